using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.LocalLibrary;

/// <summary>Registers the "local" music source from <c>plugins:settings:local</c>.</summary>
public sealed class LocalLibraryPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var options = LocalLibraryOptions.Bind(context.Settings);
        services.AddMusicSource(LocalMusicSource.SourceName,
            sp => new LocalMusicSource(options, sp.GetService<ILoggerFactory>()?.CreateLogger<LocalMusicSource>()));
    }
}
