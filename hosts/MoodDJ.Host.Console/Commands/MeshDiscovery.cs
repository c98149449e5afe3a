using System.Net;
using Microsoft.Extensions.Logging;
using MoodDJ.Abstractions.Discovery;
using MoodDJ.Abstractions.Plugins;
using MoodDJ.Hosting;
using MoodDJ.Hosting.Configuration;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Host.Console.Commands;

/// <summary>
/// `mooddj peer`'s use of the discovery plugin (use:discovery, else "tracker"): once subscribed it announces
/// its relay endpoint (as the station saw it) in the station's swarm and looks the swarm up every few
/// seconds; the peers found are extra candidate parents after the station's own. A missing plugin or a
/// tracker that is down only costs those extra candidates (one log line), never the peer.
/// </summary>
internal sealed class MeshDiscovery : IAsyncDisposable
{
    private static readonly TimeSpan s_refresh = TimeSpan.FromSeconds(3);
    private const int MaxFound = 16;
    private readonly IPeerDiscovery _discovery;
    private readonly string _name;
    private readonly IPAddress _stationHost;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private volatile MeshCandidateDto[] _found = [];
    private Task _loop = Task.CompletedTask;
    private string? _swarm;
    private int _warned;

    private MeshDiscovery(IPeerDiscovery discovery, string name, IPAddress stationHost, ILogger log) =>
        (_discovery, _name, _stationHost, _log) = (discovery, name, stationHost, log);

    /// <summary>The configured discovery plugin, or null (with one line saying why) when it is not installed.</summary>
    public static MeshDiscovery? Create(MoodDJEngine engine, IPAddress stationHost, ILogger log)
    {
        var name = engine.Use.NameFor(PluginKind.Discovery) ?? "tracker";
        try
        {
            return new MeshDiscovery(engine.Get<IPeerDiscovery>(name), name, stationHost, log);
        }
        catch (Exception e) when (e is ConfigurationException or InvalidOperationException)
        {
            log.LogWarning("No peer discovery ({Error}); candidate parents come from the station only.", e.Message);
            return null;
        }
    }

    /// <summary>Peers found in the swarm lately, as candidates (id unknown: 0) to try after the station's.</summary>
    public IReadOnlyList<MeshCandidateDto> Found => _found;

    public MeshParentsResult AddTo(MeshParentsResult answer)
    {
        var found = _found;
        if (answer.Direct || found.Length == 0) return answer;
        var extra = found.Where(f => !answer.Candidates.Any(c => c.Host == f.Host && c.Port == f.Port));
        return answer with { Candidates = [.. answer.Candidates, .. extra] };
    }

    /// <summary>The relay started on a subscription: announce this peer and keep looking the swarm up.</summary>
    public void OnJoined(SubscribeResult subscription)
    {
        if (subscription.SwarmId is not { Length: 40 } swarm || subscription.Mesh is not { } mesh) return;
        if (_swarm == swarm) return;   // a resubscription to the same station: already listed
        _swarm = swarm;
        IPEndPoint? self = IPAddress.TryParse(mesh.ReflexiveHost, out var ip) && mesh.ReflexivePort is > 0 and < 65536 ? new(ip, mesh.ReflexivePort) : null;
        var station = new IPEndPoint(_stationHost, subscription.StreamPort);
        _loop = Task.Run(() => RunAsync(swarm, self, station, _stop.Token));
    }

    private async Task RunAsync(string swarm, IPEndPoint? self, IPEndPoint station, CancellationToken ct)
    {
        if (self is not null)
        {
            try { await _discovery.AnnounceAsync(swarm, self, ct).ConfigureAwait(false); }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) { Warn("announce", e); }   // the plugin keeps retrying in the background
        }
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var peers = await _discovery.FindPeersAsync(swarm, MaxFound, ct).ConfigureAwait(false);
                // Neither this peer nor the station (listed under its stream port) is a parent to attach to.
                _found = peers.Select(Reachable).Where(p => !p.Equals(self) && !p.Equals(station))
                    .Select(p => new MeshCandidateDto(0, p.Address.ToString(), p.Port, 0, 0)).ToArray();
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) { Warn("lookup", e); }
            try { await Task.Delay(s_refresh, ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>
    /// A tracker on all interfaces lists this machine's peers under its LAN address; a peer of a station on
    /// loopback listens on 127.0.0.1 only, so such a peer is reached there.
    /// </summary>
    private IPEndPoint Reachable(IPEndPoint found) =>
        IPAddress.IsLoopback(_stationHost) && !IPAddress.IsLoopback(found.Address) && Local.Contains(found.Address)
            ? new IPEndPoint(_stationHost, found.Port) : found;

    private static readonly Lazy<HashSet<IPAddress>> s_local = new(() =>
    {
        try
        {
            return System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(u => u.Address).ToHashSet();
        }
        catch (System.Net.NetworkInformation.NetworkInformationException) { return []; }
    });

    private static HashSet<IPAddress> Local => s_local.Value;

    private void Warn(string what, Exception e)
    {
        if (Interlocked.Exchange(ref _warned, 1) == 0)
            _log.LogWarning("Peer discovery '{Name}' failed ({What}: {Error}); candidate parents come from the station until it answers.", _name, what, e.Message);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        if (_swarm is { } swarm)
        {
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try { await _discovery.LeaveAsync(swarm, quick.Token).ConfigureAwait(false); } catch (Exception) { }   // best effort
        }
        _stop.Dispose();
    }
}
