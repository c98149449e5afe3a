using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Plugins;
using MoodDJ.Hosting.Configuration;
using MoodDJ.Hosting.Plugins;
using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Composition;

/// <summary>
/// Calls a loaded plugin's Register into a collection of its own, so the engine knows exactly what
/// each plugin added, and checks that it only offers the kinds its manifest declares.
/// </summary>
public static class PluginRegistrar
{
    public static PluginRegistration Register(LoadedPlugin plugin, IConfiguration configuration)
    {
        var services = new ServiceCollection();
        var context = new PluginContext(plugin.Manifest.Id, plugin.Folder, configuration.GetSection(PluginsOptions.SettingsKey(plugin.Manifest.Id)));
        try
        {
            // Type.GetType and Assembly.Load inside Register resolve in the plugin's own context.
            using var scope = plugin.LoadContext.EnterContextualReflection();
            plugin.Entry.Register(services, context);
        }
        catch (Exception ex)
        {
            throw new PluginLoadException(plugin.Manifest.Id, plugin.EntryAssemblyPath,
                $"Register threw {ex.GetType().Name}: {ex.Message}",
                $"Check the plugin's settings under {PluginsOptions.SettingsKey(plugin.Manifest.Id)} in mooddj.json, or disable it with plugins:disabled", ex);
        }

        var implementations = services
            .Where(d => d.ServiceType == typeof(PluginImplementation) && d.ImplementationInstance is PluginImplementation)
            .Select(d => (PluginImplementation)d.ImplementationInstance!)
            .ToArray();

        foreach (var implementation in implementations)
        {
            if (!plugin.Manifest.Kinds.Contains(implementation.Kind))
                throw new PluginLoadException(plugin.Manifest.Id, Path.Combine(plugin.Folder, PluginManifest.FileName),
                    $"it registers {implementation.Kind.ToName()} '{implementation.Name}', but its manifest's kinds do not list '{implementation.Kind.ToName()}'",
                    "Add the kind to \"kinds\" in plugin.json");
        }

        var duplicate = implementations.GroupBy(i => (i.Kind, i.Name.ToLowerInvariant())).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new PluginLoadException(plugin.Manifest.Id, plugin.EntryAssemblyPath,
                $"it registers {duplicate.Key.Kind.ToName()} '{duplicate.First().Name}' twice", "Give each implementation its own name");

        return new PluginRegistration(plugin.Manifest.Id, services.ToArray(), implementations);
    }
}
