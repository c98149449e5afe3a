using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using MoodDJ.Abstractions.Discovery;
using MoodDJ.Peers.Tracker;

namespace MoodDJ.Plugins.TrackerDiscovery;

/// <summary>
/// Discovery through BEP 15 trackers. AnnounceAsync announces "started" to every tracker and keeps
/// re-announcing at the interval the trackers return; FindPeersAsync is an announce asking for peers
/// (with port 0 — a lookup that lists us nowhere — if we never announced that swarm); LeaveAsync sends
/// "stopped". The tracker registers the address the datagram came from, so only the endpoint's port is sent.
/// </summary>
public sealed class TrackerPeerDiscovery : IPeerDiscovery, IAsyncDisposable
{
    private readonly IReadOnlyList<TrackerAddress> _trackers;
    private readonly UdpTrackerClientOptions _clientOptions;
    private readonly ILogger _log;
    private readonly PeerId _peerId = PeerId.NewMoodDJ();
    private readonly uint _key = (uint)Random.Shared.NextInt64(uint.MaxValue);
    private readonly ConcurrentDictionary<TrackerAddress, Task<UdpTrackerClient>> _clients = new();
    private readonly ConcurrentDictionary<string, Announcement> _announced = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _stop = new();

    public TrackerPeerDiscovery(IReadOnlyList<TrackerAddress> trackers, UdpTrackerClientOptions clientOptions, ILogger log)
    {
        if (trackers.Count == 0) throw new ArgumentException("At least one tracker is needed.", nameof(trackers));
        _trackers = trackers;
        _clientOptions = clientOptions;
        _log = log;
    }

    public IReadOnlyList<TrackerAddress> Trackers => _trackers;

    public async ValueTask AnnounceAsync(string swarmId, IPEndPoint endPoint, CancellationToken cancellationToken = default)
    {
        var hash = InfoHash.FromSwarmId(swarmId);
        ArgumentNullException.ThrowIfNull(endPoint);
        if (endPoint.Port is < 1 or > ushort.MaxValue) throw new ArgumentException($"Cannot announce port {endPoint.Port}.", nameof(endPoint));
        await LeaveLoopAsync(swarmId);
        var announcement = new Announcement(endPoint, CancellationTokenSource.CreateLinkedTokenSource(_stop.Token));
        var token = announcement.Stop.Token; // taken now: a LeaveAsync meanwhile disposes the source
        _announced[swarmId] = announcement;
        try
        {
            var results = await AnnounceAllAsync(hash, (ushort)endPoint.Port, AnnounceEvent.Started, -1, cancellationToken);
            announcement.Loop = ReannounceAsync(hash, announcement, Interval(results), token);
        }
        catch (TrackerException)
        {
            // No tracker heard us (not started yet?): keep trying in the background, and tell the caller now.
            announcement.Loop = ReannounceAsync(hash, announcement, RetryInterval, token);
            throw;
        }
    }

    /// <summary>How soon to try again when no tracker answered.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    public async ValueTask<IReadOnlyList<IPEndPoint>> FindPeersAsync(string swarmId, int maxPeers, CancellationToken cancellationToken = default)
    {
        var hash = InfoHash.FromSwarmId(swarmId);
        if (maxPeers <= 0) return [];
        var self = _announced.TryGetValue(swarmId, out var a) ? a.EndPoint : null;
        var results = await AnnounceAllAsync(hash, (ushort)(self?.Port ?? 0), AnnounceEvent.None, maxPeers, cancellationToken);
        return results.SelectMany(r => r.Peers).Distinct().Where(p => !p.Equals(self)).Take(maxPeers).ToArray();
    }

    public async ValueTask LeaveAsync(string swarmId, CancellationToken cancellationToken = default)
    {
        if (await LeaveLoopAsync(swarmId) is not { } left) return;
        try
        {
            await AnnounceAllAsync(InfoHash.FromSwarmId(swarmId), (ushort)left.EndPoint.Port, AnnounceEvent.Stopped, 0, cancellationToken);
        }
        catch (TrackerException e)
        {
            // Best effort: a tracker that misses "stopped" drops us when we stop announcing.
            _log.LogDebug("Leaving swarm {Swarm}: {Error}", swarmId, e.Message);
        }
    }

    private async Task<Announcement?> LeaveLoopAsync(string swarmId)
    {
        if (!_announced.TryRemove(swarmId, out var old)) return null;
        old.Stop.Cancel();
        try { await old.Loop; } catch (OperationCanceledException) { }
        old.Stop.Dispose();
        return old;
    }

    private async Task ReannounceAsync(InfoHash hash, Announcement announcement, TimeSpan interval, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(interval, ct);
            try
            {
                interval = Interval(await AnnounceAllAsync(hash, (ushort)announcement.EndPoint.Port, AnnounceEvent.None, 0, ct));
            }
            catch (TrackerException e)
            {
                // Every tracker down this round: try again soon; peers we know keep working meanwhile.
                _log.LogWarning("Re-announcing swarm {Swarm}: {Error}", hash, e.Message);
                interval = RetryInterval;
            }
        }
    }

    /// <summary>Announces to every tracker at once. Throws only when none answered, naming each failure.</summary>
    private async Task<IReadOnlyList<AnnounceResult>> AnnounceAllAsync(InfoHash hash, ushort port, AnnounceEvent announceEvent, int numWant, CancellationToken ct)
    {
        var parameters = new AnnounceParameters(hash, _peerId, port) { Event = announceEvent, NumWant = numWant, Key = _key };
        var attempts = _trackers.Select(async t =>
        {
            try
            {
                var client = await ClientAsync(t, ct);
                return (Result: await client.AnnounceAsync(parameters, ct), Error: (string?)null);
            }
            catch (Exception e) when (e is TrackerException or System.Net.Sockets.SocketException)
            {
                return (Result: (AnnounceResult?)null, Error: e.Message);
            }
        }).ToArray();
        var outcomes = await Task.WhenAll(attempts);
        var results = outcomes.Where(o => o.Result is not null).Select(o => o.Result!).ToArray();
        foreach (var failed in outcomes.Where(o => o.Error is not null))
            if (results.Length > 0) _log.LogWarning("{Error}", failed.Error);
        if (results.Length == 0)
            throw new TrackerException(string.Join(" ", outcomes.Select(o => o.Error)));
        return results;
    }

    private Task<UdpTrackerClient> ClientAsync(TrackerAddress address, CancellationToken ct)
    {
        var task = _clients.GetOrAdd(address, a => CreateClientAsync(a, _stop.Token));
        if (task.IsFaulted) _clients.TryRemove(KeyValuePair.Create(address, task)); // DNS failed: try again next time
        return task.WaitAsync(ct);
    }

    private async Task<UdpTrackerClient> CreateClientAsync(TrackerAddress address, CancellationToken ct) =>
        new(await address.ResolveAsync(ct), _clientOptions, address.ToString());

    /// <summary>The shortest interval any tracker asked for (at least one second).</summary>
    private static TimeSpan Interval(IReadOnlyList<AnnounceResult> results) =>
        TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, results.Min(r => r.Interval.Ticks)));

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        foreach (var swarm in _announced.Keys.ToArray())
        {
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try { await LeaveAsync(swarm, quick.Token); } catch (OperationCanceledException) { }
        }
        _stop.Cancel();
        foreach (var client in _clients.Values)
            if (client.IsCompletedSuccessfully) client.Result.Dispose();
        _stop.Dispose();
    }

    private sealed class Announcement(IPEndPoint endPoint, CancellationTokenSource stop)
    {
        public IPEndPoint EndPoint { get; } = endPoint;
        public CancellationTokenSource Stop { get; } = stop;
        public Task Loop { get; set; } = Task.CompletedTask;
    }
}
