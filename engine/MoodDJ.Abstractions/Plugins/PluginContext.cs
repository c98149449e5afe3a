using Microsoft.Extensions.Configuration;

namespace MoodDJ.Abstractions.Plugins;

/// <summary>What the host tells a plugin while it registers its services.</summary>
/// <param name="Id">The plugin's id from its manifest.</param>
/// <param name="Folder">The absolute path of the plugin's folder (for data files shipped beside the DLL).</param>
/// <param name="Settings">The plugin's own configuration section: <c>plugins:settings:&lt;id&gt;</c> in mooddj.json.</param>
public sealed record PluginContext(string Id, string Folder, IConfiguration Settings);
