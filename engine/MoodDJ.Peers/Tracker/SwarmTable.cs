namespace MoodDJ.Peers.Tracker;

/// <summary>What happened to a swarm or peer, for a tracker's log (a struct: raising it allocates nothing).</summary>
public enum TrackerNoticeKind { NewSwarm, NewPeer, PeerStopped, PeerExpired, SwarmEmptied }

public readonly record struct TrackerNotice(TrackerNoticeKind Kind, InfoHash InfoHash, TrackerPeer Peer);

/// <summary>Why an announce was refused by a limit.</summary>
public enum AnnounceRefusal { None, TooManySwarms, SwarmFull }

/// <summary>
/// The tracker's state: swarms by info-hash, each a packed list of peers with their last announce time.
/// Not thread-safe; <see cref="UdpTrackerServer"/> holds a lock around it. Limits are enforced here.
/// </summary>
public sealed class SwarmTable(int maxSwarms, int maxPeersPerSwarm)
{
    private readonly Dictionary<InfoHash, Swarm> _swarms = new();

    public int SwarmCount => _swarms.Count;

    public int PeerCount { get; private set; }

    public event Action<TrackerNotice>? Notice;

    /// <summary>Adds or refreshes a peer; refused when a limit would be passed (existing peers always refresh).</summary>
    public AnnounceRefusal Upsert(InfoHash hash, TrackerPeer peer, bool seeder, bool completed, long nowTicks)
    {
        if (!_swarms.TryGetValue(hash, out var swarm))
        {
            if (_swarms.Count >= maxSwarms) return AnnounceRefusal.TooManySwarms;
            swarm = new Swarm();
            _swarms.Add(hash, swarm);
            Notice?.Invoke(new TrackerNotice(TrackerNoticeKind.NewSwarm, hash, peer));
        }
        if (completed) swarm.Completed++;
        var key = Key(peer);
        if (swarm.Index.TryGetValue(key, out var at))
        {
            swarm.SetSeeder(at, seeder);
            swarm.Peers[at] = swarm.Peers[at] with { LastSeen = nowTicks };
            return AnnounceRefusal.None;
        }
        if (swarm.Peers.Count >= maxPeersPerSwarm) return AnnounceRefusal.SwarmFull;
        swarm.Index.Add(key, swarm.Peers.Count);
        swarm.Peers.Add(new Slot(peer, nowTicks, false));
        swarm.SetSeeder(swarm.Peers.Count - 1, seeder);
        PeerCount++;
        Notice?.Invoke(new TrackerNotice(TrackerNoticeKind.NewPeer, hash, peer));
        return AnnounceRefusal.None;
    }

    public void Remove(InfoHash hash, TrackerPeer peer)
    {
        if (!_swarms.TryGetValue(hash, out var swarm) || !swarm.Index.TryGetValue(Key(peer), out var at)) return;
        RemoveAt(swarm, at);
        Notice?.Invoke(new TrackerNotice(TrackerNoticeKind.PeerStopped, hash, peer));
        if (swarm.Peers.Count == 0) RemoveSwarm(hash, peer);
    }

    /// <summary>Counts for a reply: seeders, leechers, completed (zeros for an unknown swarm).</summary>
    public ScrapeEntry Counts(InfoHash hash) =>
        _swarms.TryGetValue(hash, out var s) ? new ScrapeEntry(s.Seeders, s.Completed, s.Peers.Count - s.Seeders) : default;

    /// <summary>
    /// Writes up to <paramref name="count"/> peers of the swarm other than <paramref name="self"/>, from a
    /// random start so every peer gets listed over time; returns how many.
    /// </summary>
    public int WritePeers(InfoHash hash, TrackerPeer self, int count, Span<byte> destination)
    {
        if (count <= 0 || !_swarms.TryGetValue(hash, out var swarm) || swarm.Peers.Count == 0) return 0;
        var peers = swarm.Peers;
        int start = Random.Shared.Next(peers.Count), written = 0, offset = 0;
        for (int i = 0; i < peers.Count && written < count; i++)
        {
            var peer = peers[(start + i) % peers.Count].Peer;
            if (peer == self) continue;
            offset += TrackerCodec.WritePeer(destination[offset..], peer);
            written++;
        }
        return written;
    }

    /// <summary>Drops every peer last seen before <paramref name="cutoffTicks"/>, and swarms left empty; returns how many peers went.</summary>
    public int Expire(long cutoffTicks)
    {
        int removed = 0;
        List<InfoHash>? empty = null;
        foreach (var (hash, swarm) in _swarms)
        {
            for (int i = swarm.Peers.Count - 1; i >= 0; i--)
            {
                if (swarm.Peers[i].LastSeen >= cutoffTicks) continue;
                var peer = swarm.Peers[i].Peer;
                RemoveAt(swarm, i);
                removed++;
                Notice?.Invoke(new TrackerNotice(TrackerNoticeKind.PeerExpired, hash, peer));
            }
            if (swarm.Peers.Count == 0) (empty ??= []).Add(hash);
        }
        foreach (var hash in empty ?? [])
            RemoveSwarm(hash, default);
        return removed;
    }

    private void RemoveSwarm(InfoHash hash, TrackerPeer last)
    {
        _swarms.Remove(hash);
        Notice?.Invoke(new TrackerNotice(TrackerNoticeKind.SwarmEmptied, hash, last));
    }

    private void RemoveAt(Swarm swarm, int at)
    {
        swarm.SetSeeder(at, false);
        var last = swarm.Peers.Count - 1;
        swarm.Index.Remove(Key(swarm.Peers[at].Peer));
        if (at != last)
        {
            swarm.Peers[at] = swarm.Peers[last];
            swarm.Index[Key(swarm.Peers[at].Peer)] = at;
        }
        swarm.Peers.RemoveAt(last);
        PeerCount--;
    }

    private static TrackerPeer Key(TrackerPeer peer) => peer;

    private record struct Slot(TrackerPeer Peer, long LastSeen, bool Seeder);

    private sealed class Swarm
    {
        public readonly List<Slot> Peers = [];
        public readonly Dictionary<TrackerPeer, int> Index = new();
        public int Seeders;
        public int Completed;

        public void SetSeeder(int at, bool seeder)
        {
            var slot = Peers[at];
            if (slot.Seeder == seeder) return;
            Seeders += seeder ? 1 : -1;
            Peers[at] = slot with { Seeder = seeder };
        }
    }
}
