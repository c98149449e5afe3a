using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Testing;

/// <summary>Registers one plugin the way the host does, settings validation included, without a plugin folder.</summary>
public static class PluginProbe
{
    /// <summary>Calls Register, builds the container and runs the plugin's start-up validation (a bad setting throws here).</summary>
    public static ServiceProvider Compose(IMoodDJPlugin plugin, PluginContext context, Action<IServiceCollection>? hostServices = null)
    {
        var services = new ServiceCollection();
        hostServices?.Invoke(services);
        plugin.Register(services, context);
        var provider = services.BuildServiceProvider();
        try
        {
            provider.GetService<IStartupValidator>()?.Validate();
        }
        catch
        {
            provider.Dispose();
            throw;
        }
        return provider;
    }
}
