using Microsoft.Extensions.Configuration;
using MoodDJ.Abstractions.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace MoodDJ.Plugins.UdpStream;

/// <summary>Registers the "udp" stream transport (unicast and multicast datagrams).</summary>
public sealed class UdpStreamPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var defaults = UdpTransportSettings.From(context.Settings);
        services.AddStreamTransport("udp", _ => new UdpStreamTransport(defaults));
    }
}
