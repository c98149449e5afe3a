using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using MoodDJ.Client;
using MoodDJ.Hosting;
using MoodDJ.Host.Web.Stations;
using MoodDJ.Peers.Mesh;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Host.Web.Peers;

/// <summary>
/// The P2P panel over the live relay mesh (docs/protocol.md, "Live relay mesh"). Discovery polls
/// the station's <c>status</c> once a second for its <c>mesh</c> part (the same for a station in
/// this process or a remote one); the hub's panel ticker carries it to the pages. The P2P stream is
/// a relaying peer on this host, wired by <see cref="MeshPeerLink"/> exactly as `mooddj peer` is;
/// while it runs, the browsers listen through it (<see cref="P2PAudio"/>).
/// </summary>
public sealed class MeshPeerPanel(MoodDJEngine engine, IStationLink link, WebOptions options, P2PAudio audio, ILoggerFactory loggerFactory) : IPeerPanel, IAsyncDisposable
{
    public const string PeerName = "web p2p";
    private static readonly TimeSpan s_poll = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ILogger _log = loggerFactory.CreateLogger<MeshPeerPanel>();
    private CancellationTokenSource? _discovery;
    private Task _polling = Task.CompletedTask;
    private volatile MeshStatusDto? _mesh;
    private volatile string? _why;
    private RelayPeer? _peer;

    public PeerPanelState State
    {
        get
        {
            var mesh = _mesh;
            var discovery = _discovery is not null;
            var peers = discovery && mesh is not null ? mesh.PeerList.Select(View).ToArray() : [];
            var summary = discovery && mesh is not null
                ? new MeshSummary(mesh.DirectPeers, mesh.MaxDirectPeers, mesh.Peers, Math.Round(mesh.EgressPacketsPerSecond, 1), Math.Round(mesh.EgressKilobitsPerSecond, 1))
                : null;
            if (_peer is not { } peer)
                return new PeerPanelState(true, _why, discovery, false, peers, [], [], null, null, null, summary);
            var relay = peer.Link.Relay;
            var described = relay.DescribeMesh();
            var stats = peer.Player.Stats;
            var loss = stats.Received + stats.Lost == 0 ? 0 : Math.Round(100.0 * stats.Lost / (stats.Received + stats.Lost), 2);
            return new PeerPanelState(true, peer.Playing.IsCompleted ? "The P2P stream stopped; start it again." : _why, discovery, true, peers,
                relay.ParentIds.Select(id => Known(id, mesh)).ToArray(), relay.ChildIds.Select(id => Known(id, mesh)).ToArray(),
                described?.Hops, loss, described is { } d ? Math.Round(d.Continuity, 4) : null, summary,
                relay.PeerId == 0 ? null : relay.PeerId.ToString(CultureInfo.InvariantCulture));
        }
    }

    public async Task<string?> SetDiscoveryAsync(bool on, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (on == _discovery is not null) return null;
            if (on)
            {
                _discovery = new CancellationTokenSource();
                await PollOnceAsync(cancellationToken); // the first list goes out with this answer
                _polling = PollAsync(_discovery.Token);
            }
            else
            {
                await StopDiscoveryAsync();
            }
            return null;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<string?> SetStreamAsync(bool on, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!on)
            {
                await StopPeerAsync();
                return null;
            }
            if (_peer is { Playing.IsCompleted: false }) return null;
            await StopPeerAsync(); // a peer that stopped by itself
            if (link.Client.State != StationClientState.Connected) return "the station is not connected, so there is no mesh to join";
            _why = null;
            _peer = StartPeer();
            return null;
        }
        finally
        {
            _gate.Release();
        }
    }

    private RelayPeer StartPeer()
    {
        var client = link.Client;
        var host = link.StreamHost;
        var peerLink = new MeshPeerLink(client, new MeshPeerOptions(), loggerFactory.CreateLogger<MeshRelay>());
        var player = new StationPlayer(engine.StreamTransport, engine.Codec, audio, host,
            (port, token) => peerLink.SubscribeAsync(port, PeerName, token),
            new StationPlayerOptions
            {
                Bind = IPAddress.IsLoopback(host) ? IPAddress.Loopback : IPAddress.Any,
                // The browsers' depth, as their own players have: the page's latency stays as it was.
                JitterDepth = TimeSpan.FromMilliseconds(options.JitterMs),
                TrimAbove = TimeSpan.FromMilliseconds(options.JitterMs + 60),
                ReportInterval = TimeSpan.FromSeconds(2),
            },
            loggerFactory.CreateLogger<StationPlayer>())
        {
            Unsubscribe = (token, ct) => client.UnsubscribeAsync(token, ct),
            Report = (report, ct) => client.ReportAsync(report, ct),
            Relay = peerLink.Relay,
            CodecFor = engine.CodecFor,
        };
        peerLink.ReportFor(player);
        audio.SincePump = () => player.Pipeline?.Stats.Buffered ?? TimeSpan.Zero;
        var stop = new CancellationTokenSource();
        var peer = new RelayPeer(peerLink, player, stop, player.RunAsync(stop.Token));
        audio.Switch(true);
        return peer;
    }

    private async Task StopPeerAsync()
    {
        if (_peer is not { } peer) return;
        _peer = null;
        audio.Switch(false);
        await peer.Stop.CancelAsync();
        try { await peer.Playing; }
        catch (Exception e) when (e is OperationCanceledException or IOException or TimeoutException or Protocol.JsonRpcException)
        {
            _log.LogDebug(e, "The P2P stream ended.");
        }
        peer.Link.Dispose();
        peer.Stop.Dispose();
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(s_poll);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
                await PollOnceAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var status = await link.Client.StatusAsync(cancellationToken);
            _mesh = status.Mesh;
            _why = status.Mesh is null ? "The station reports no relay mesh." : null;
        }
        catch (Exception e) when (e is TimeoutException or IOException or Protocol.JsonRpcException or InvalidOperationException)
        {
            _why = $"The station's status did not arrive: {e.Message}";
        }
    }

    private async Task StopDiscoveryAsync()
    {
        if (_discovery is not { } discovery) return;
        _discovery = null;
        await discovery.CancelAsync();
        await _polling;
        discovery.Dispose();
        _mesh = null;
    }

    private static PeerView View(MeshPeerStatusDto p) => new(
        p.PeerId.ToString(CultureInfo.InvariantCulture), p.Address, p.Name, p.Direct, p.Hops,
        p.Direct ? ["station"] : p.Parents.Select(id => id.ToString(CultureInfo.InvariantCulture)).ToArray(),
        p.Children, Math.Round(p.Continuity, 4), Math.Round(p.LossPercent, 2), p.Forged);

    // 0 is the station; other ids get their address from the last discovery poll when there is one.
    private static PeerView Known(long id, MeshStatusDto? mesh) => id == 0
        ? new PeerView("station", "", "the station")
        : mesh?.PeerList.FirstOrDefault(p => p.PeerId == id) is { } p ? View(p) : new PeerView(id.ToString(CultureInfo.InvariantCulture), "");

    public async ValueTask DisposeAsync()
    {
        await StopDiscoveryAsync();
        await StopPeerAsync();
    }

    private sealed record RelayPeer(MeshPeerLink Link, StationPlayer Player, CancellationTokenSource Stop, Task Playing);
}
