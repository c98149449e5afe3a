using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using MoodDJ.Abstractions.Plugins;
using MoodDJ.Hosting.Configuration;
using MoodDJ.Hosting.Plugins;
using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Composition;

/// <summary>
/// Turns one plugin folder into a <see cref="PluginSlot"/>: disabled, not supported, malfunctioned
/// (with the failure kept for later, in case the configuration needs this plugin) or active.
/// Never throws for a bad plugin.
/// </summary>
internal sealed class PluginSlotLoader(PluginsOptions options, IConfiguration configuration, ILogger logger)
{
    private readonly PluginLoader _loader = new(options.HotReload);

    /// <param name="report">Log a failure at once; the engine's first load reports failures itself after checking <c>use</c>, so a failure the error names is not said twice.</param>
    public PluginSlot Load(string folder, bool report = true)
    {
        PluginManifest manifest;
        try
        {
            manifest = PluginLoader.ReadManifest(folder);
        }
        catch (PluginLoadException ex)
        {
            if (report) logger.LogWarning("{Message}", ex.Message);
            return PluginSlot.Inactive(folder, null, PluginState.Malfunctioned, ex);
        }

        if (options.Disabled.Contains(manifest.Id))
            return PluginSlot.Inactive(folder, manifest, PluginState.Disabled, null);

        LoadedPlugin? loaded = null;
        try
        {
            loaded = _loader.Load(manifest, folder);
            var registration = PluginRegistrar.Register(loaded, configuration);
            logger.LogDebug("Loaded plugin {Id} {Version} from {Folder}", manifest.Id, manifest.Version, folder);
            return PluginSlot.Active(manifest, folder, loaded, registration);
        }
        catch (PluginLoadException ex)
        {
            loaded?.Unload();
            if (report) logger.LogWarning("{Message}", ex.Message);
            var state = manifest.Supports(ContractVersion.Current) ? PluginState.Malfunctioned : PluginState.NotSupported;
            return PluginSlot.Inactive(folder, manifest, state, ex);
        }
    }

    /// <summary>The plugin folders under the plugin folder, in a stable order.</summary>
    public static IReadOnlyList<string> FindFolders(PluginsOptions options, ILogger? logger = null)
    {
        if (!Directory.Exists(options.Folder))
            throw new ConfigurationException(
                $"The plugin folder '{options.Folder}' does not exist (plugins:folder). Build the host so it copies the bundled plugins there, or point plugins:folder at the folder that holds them.");
        // A DLL dropped straight into the plugin folder is never loaded; say so rather than ignore it.
        if (logger is not null)
            foreach (var dll in Directory.GetFiles(options.Folder, "*.dll").Order(StringComparer.Ordinal))
                logger.LogWarning("'{File}' lies loose in the plugin folder {Folder} and is not loaded: a plugin is a folder of its own "
                    + "(its DLL, .deps.json and plugin.json, as its build output folder holds them); move it into {Folder}/<id>/ (see docs/plugins.md)",
                    Path.GetFileName(dll), options.Folder, options.Folder);
        return Directory.GetDirectories(options.Folder).Order(StringComparer.Ordinal).ToArray();
    }
}
