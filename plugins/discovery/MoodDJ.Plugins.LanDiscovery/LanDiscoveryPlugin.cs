using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.LanDiscovery;

/// <summary>Registers the "lan" discovery (mDNS/DNS-SD). Settings: <see cref="LanDiscoverySettings"/>.</summary>
public sealed class LanDiscoveryPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var path = PluginOptionsExtensions.SettingsPath(context);
        services.AddPluginOptions<LanDiscoverySettings>(context).ValidateSettings(s => s.Validate(path));
        services.AddDiscovery("lan", sp => new LanPeerDiscovery(sp.GetRequiredService<IOptions<LanDiscoverySettings>>().Value));
    }
}
