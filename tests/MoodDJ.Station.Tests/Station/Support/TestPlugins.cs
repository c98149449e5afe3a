using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Station.Tests.Station.Support;

/// <summary>
/// Creates real plugin implementations the way the loader composes them: the plugin's entry class
/// registers into a container with its settings section, and the named service is resolved.
/// </summary>
internal static class TestPlugins
{
    public static T Resolve<T>(IMoodDJPlugin plugin, string id, string name, IReadOnlyDictionary<string, string?>? hostSettings = null)
        where T : class
    {
        var host = new ConfigurationBuilder().AddInMemoryCollection(hostSettings ?? new Dictionary<string, string?>()).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(host);
        var folder = Path.Combine(AppContext.BaseDirectory, "plugins", id);
        plugin.Register(services, new PluginContext(id, Directory.Exists(folder) ? folder : AppContext.BaseDirectory, host.GetSection($"plugins:settings:{id}")));
        return services.BuildServiceProvider().GetRequiredKeyedService<T>(name);
    }
}
