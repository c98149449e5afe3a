using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.YouTube;

/// <summary>Registers the "youtube" music source from <c>plugins:settings:youtube</c>.</summary>
public sealed class YouTubePlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var options = YouTubeOptions.Bind(context.Settings);
        services.AddMusicSource(YouTubeMusicSource.SourceName,
            sp => new YouTubeMusicSource(options, sp.GetService<ILoggerFactory>()?.CreateLogger<YouTubeMusicSource>()));
    }
}
