using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.UdpStream;

/// <summary>Registers the "udp" stream transport (unicast and multicast datagrams). Settings: <see cref="UdpTransportSettings"/>.</summary>
public sealed class UdpStreamPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var path = PluginOptionsExtensions.SettingsPath(context);
        services.AddPluginOptions<UdpTransportSettings>(context).ValidateSettings(s => s.Validate(path));
        services.AddStreamTransport("udp", sp => new UdpStreamTransport(sp.GetRequiredService<IOptions<UdpTransportSettings>>().Value));
    }
}
