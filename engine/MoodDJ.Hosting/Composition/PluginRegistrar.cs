using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MoodDJ.Abstractions.Settings;
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
            ValidateSettings(services);
        }
        catch (SettingsException ex)
        {
            // A setting the user wrote is wrong: a configuration error, named by key and source.
            throw ConfigurationErrors.WithSource(ex, configuration);
        }
        catch (OptionsValidationException ex)
        {
            var key = PluginsOptions.SettingsKey(plugin.Manifest.Id);
            throw new ConfigurationException($"{key} (from {ConfigurationSourceName.Of(configuration, key)}): {string.Join("; ", ex.Failures)}");
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

    /// <summary>
    /// Runs the plugin's options validation (ValidateOnStart) now, in a throw-away container of its
    /// own registrations, so a bad setting fails at start with its key rather than at first use.
    /// </summary>
    private static void ValidateSettings(IServiceCollection registrations)
    {
        if (!registrations.Any(d => d.ServiceType == typeof(IStartupValidator))) return;
        var probe = new ServiceCollection();
        foreach (var descriptor in registrations) ((ICollection<ServiceDescriptor>)probe).Add(descriptor);
        using var provider = probe.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
    }
}
