using Microsoft.Extensions.DependencyInjection;

namespace MoodDJ.Abstractions.Plugins;

/// <summary>
/// The one entry type a plugin assembly exposes (a public, non-abstract class with a public
/// parameterless constructor). The loader creates it and calls <see cref="Register"/> once, so the
/// plugin can add its services (through <see cref="PluginServiceCollectionExtensions"/>) to the
/// host's container.
/// </summary>
public interface IMoodDJPlugin
{
    /// <summary>Adds this plugin's services. Throw with a clear message if its settings are invalid.</summary>
    void Register(IServiceCollection services, PluginContext context);
}
