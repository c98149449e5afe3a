using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.YouTube;

/// <summary>Registers the "youtube" music source. Settings (plugins:settings:youtube): see <see cref="YouTubeOptions"/>.</summary>
public sealed class YouTubePlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var path = PluginOptionsExtensions.SettingsPath(context);
        services.AddPluginOptions<YouTubeOptions>(context).ValidateSettings(o => o.Validate(path));
        services.AddMusicSource(YouTubeMusicSource.SourceName,
            sp => new YouTubeMusicSource(sp.GetRequiredService<IOptions<YouTubeOptions>>().Value, sp.GetService<ILoggerFactory>()?.CreateLogger<YouTubeMusicSource>()));
    }
}
