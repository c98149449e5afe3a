using Microsoft.Extensions.Logging;
using MoodDJ.Peers.Tracker;

namespace MoodDJ.Station;

/// <summary>
/// Keeps a live station listed in its swarm (<see cref="MoodDJ.Peers.StationSwarmId"/>) on the tracker named
/// by station:tracker, so relaying peers find it and each other there. Announces "started", re-announces at
/// the interval the tracker returns (every 5 s while it does not answer) and sends "stopped" on dispose.
/// A tracker that is down never stops the station: the first failure is logged once, later ones quietly.
/// </summary>
public sealed class TrackerAnnouncer : IAsyncDisposable
{
    private static readonly TimeSpan s_retry = TimeSpan.FromSeconds(5);
    private readonly TrackerAddress _tracker;
    private readonly InfoHash _swarm;
    private readonly ushort _port;
    private readonly ILogger _log;
    private readonly PeerId _peerId = PeerId.NewMoodDJ();
    private readonly CancellationTokenSource _stop = new();
    private readonly UdpTrackerClientOptions _clientOptions = new() { InitialTimeout = TimeSpan.FromSeconds(1), MaxAttempts = 2 };
    private UdpTrackerClient? _client;
    private Task _loop = Task.CompletedTask;
    private bool _warned;

    /// <param name="tracker">udp://host:port (station:tracker).</param>
    /// <param name="swarmId">The station's swarm id, 40 hex digits.</param>
    /// <param name="port">The port listed for the station (its stream port).</param>
    public TrackerAnnouncer(string tracker, string swarmId, int port, ILogger log)
    {
        _tracker = TrackerAddress.Parse(tracker);
        _swarm = InfoHash.FromSwarmId(swarmId);
        _port = (ushort)port;
        _log = log;
    }

    /// <summary>Announces once now had succeeded (false when the tracker did not answer yet).</summary>
    public bool Listed { get; private set; }

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    private async Task RunAsync(CancellationToken ct)
    {
        var @event = AnnounceEvent.Started;
        while (!ct.IsCancellationRequested)
        {
            var wait = s_retry;
            try
            {
                var result = await AnnounceAsync(@event, ct).ConfigureAwait(false);
                if (!Listed) _log.LogInformation("Station listed on tracker {Tracker} ({Peers} other peer(s) in its swarm).", _tracker, result.Peers.Count);
                Listed = true;
                @event = AnnounceEvent.None;
                wait = result.Interval;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) when (e is TrackerException or System.Net.Sockets.SocketException or TimeoutException)
            {
                Listed = false;
                @event = AnnounceEvent.Started;
                if (!_warned) _log.LogWarning("Tracker {Tracker} did not list the station ({Error}); retrying every {Seconds} s.", _tracker, e.Message, s_retry.TotalSeconds);
                _warned = true;
                DropClient();
            }
            try { await Task.Delay(wait, ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task<AnnounceResult> AnnounceAsync(AnnounceEvent @event, CancellationToken ct)
    {
        _client ??= new UdpTrackerClient(await _tracker.ResolveAsync(ct).ConfigureAwait(false), _clientOptions, _tracker.ToString());
        return await _client.AnnounceAsync(new AnnounceParameters(_swarm, _peerId, _port) { Event = @event, NumWant = 0 }, ct).ConfigureAwait(false);
    }

    private void DropClient()
    {
        _client?.Dispose();
        _client = null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        if (Listed)
        {
            // Best effort, briefly: a tracker that misses "stopped" drops the station when it stops announcing.
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try { await AnnounceAsync(AnnounceEvent.Stopped, quick.Token).ConfigureAwait(false); }
            catch (Exception e) when (e is TrackerException or System.Net.Sockets.SocketException or OperationCanceledException or TimeoutException) { }
        }
        DropClient();
        _stop.Dispose();
    }
}
