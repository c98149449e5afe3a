using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MoodDJ.Abstractions.Discovery;
using MoodDJ.Abstractions.Plugins;
using MoodDJ.Abstractions.Settings;

namespace MoodDJ.Plugins.StaticDiscovery;

/// <summary>Registers the "static" discovery: the peers listed in <c>plugins:settings:static:peers</c>.</summary>
public sealed class StaticDiscoveryPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var path = PluginOptionsExtensions.SettingsPath(context);
        services.AddPluginOptions<StaticDiscoverySettings>(context).ValidateSettings(s => s.Validate(path));
        services.AddDiscovery("static", sp => new StaticPeerDiscovery(sp.GetRequiredService<IOptions<StaticDiscoverySettings>>().Value.Peers));
    }
}

/// <summary>Settings: <c>peers</c>, each "host:port" (an IPv4/IPv6 literal or a name resolved at each lookup).</summary>
public sealed class StaticDiscoverySettings
{
    public List<string> Peers { get; set; } = [];

    public void Validate(string path)
    {
        Peers.RemoveAll(string.IsNullOrWhiteSpace);
        for (int i = 0; i < Peers.Count; i++)
            if (!StaticPeerDiscovery.TrySplit(Peers[i], out _, out _))
                throw SettingsRules.Invalid(path, $"peers:{i}", $"is '{Peers[i]}', not host:port (port 1..65535)");
    }
}

/// <summary>
/// The same configured peers for every swarm: for a fixed set of machines, or a network where neither
/// a tracker nor multicast is wanted. Announcing tells nobody (the others list us in their own files).
/// </summary>
public sealed class StaticPeerDiscovery(IReadOnlyList<string> peers) : IPeerDiscovery
{
    public ValueTask AnnounceAsync(string swarmId, IPEndPoint endPoint, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public async ValueTask<IReadOnlyList<IPEndPoint>> FindPeersAsync(string swarmId, int maxPeers, CancellationToken cancellationToken = default)
    {
        var found = new List<IPEndPoint>();
        foreach (var peer in peers)
        {
            if (found.Count >= maxPeers) break;
            TrySplit(peer, out var host, out var port);
            if (IPAddress.TryParse(host, out var literal))
            {
                found.Add(new IPEndPoint(literal, port));
                continue;
            }
            try
            {
                var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
                if (addresses.Length > 0) found.Add(new IPEndPoint(addresses[0], port));
            }
            catch (SocketException)
            {
                // A name that does not resolve now may later; the others still count.
            }
        }
        return found.Distinct().ToArray();
    }

    /// <summary>"host:port" or "[v6]:port".</summary>
    public static bool TrySplit(string text, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), out port) || port is < 1 or > 65535) return false;
        host = text[..colon].Trim('[', ']').Trim();
        return host.Length > 0;
    }
}
