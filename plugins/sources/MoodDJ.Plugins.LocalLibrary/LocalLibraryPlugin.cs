using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.LocalLibrary;

/// <summary>Registers the "local" music source from <c>plugins:settings:local</c>.</summary>
public sealed class LocalLibraryPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        // Settings that are given are checked now; with none at all the plugin is merely installed,
        // and selecting it without a folder fails when the source is created, naming the setting.
        LocalLibraryOptions? options = context.Settings.GetChildren().Any() ? LocalLibraryOptions.Bind(context.Settings) : null;
        services.AddMusicSource(LocalMusicSource.SourceName,
            sp => new LocalMusicSource(options ?? LocalLibraryOptions.Bind(context.Settings), sp.GetService<ILoggerFactory>()?.CreateLogger<LocalMusicSource>()));
    }
}
