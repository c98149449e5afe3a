using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.TrackerDiscovery;

/// <summary>Registers the "tracker" discovery (BEP 15 UDP trackers). Settings: <see cref="TrackerDiscoverySettings"/>.</summary>
public sealed class TrackerDiscoveryPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var path = PluginOptionsExtensions.SettingsPath(context);
        services.AddPluginOptions<TrackerDiscoverySettings>(context).ValidateSettings(s => s.Validate(path));
        services.AddDiscovery("tracker", sp =>
        {
            var settings = sp.GetRequiredService<IOptions<TrackerDiscoverySettings>>().Value;
            var log = sp.GetService<ILoggerFactory>()?.CreateLogger("MoodDJ.Discovery.Tracker") ?? NullLogger.Instance;
            return new TrackerPeerDiscovery(settings.Addresses(), settings.ClientOptions(), log);
        });
    }
}
