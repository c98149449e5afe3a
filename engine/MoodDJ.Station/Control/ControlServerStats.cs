using System.Collections.Concurrent;
using System.Text;
using MoodDJ.Protocol;
using MoodDJ.Hosting;

namespace MoodDJ.Station;

/// <summary>Live counters of a <see cref="ControlServer"/>: connections, sessions, drops by reason.</summary>
public sealed class ControlServerStats
{
    private const int RecentDropsKept = 32;
    private readonly long[] _drops = new long[Enum.GetValues<ControlDropReason>().Length];
    private readonly ConcurrentQueue<string> _recentDrops = new();
    private long _accepted;
    private long _active;
    private long _sessions;
    private long _closedByPeer;
    private long _requests;
    private long _invalidMessages;
    private long _notifications;

    /// <summary>Connections accepted from the transport (including refused ones).</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Connections open now (handshaking or in session).</summary>
    public long Active => Interlocked.Read(ref _active);

    /// <summary>Sessions that completed the handshake.</summary>
    public long Sessions => Interlocked.Read(ref _sessions);

    /// <summary>Sessions the client closed cleanly.</summary>
    public long ClosedByPeer => Interlocked.Read(ref _closedByPeer);

    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Messages answered with a JSON-RPC error because they were not valid JSON-RPC.</summary>
    public long InvalidMessages => Interlocked.Read(ref _invalidMessages);

    public long NotificationsSent => Interlocked.Read(ref _notifications);

    public long Dropped(ControlDropReason reason) => Interlocked.Read(ref _drops[(int)reason]);

    public long TotalDropped => _drops.Sum(d => Interlocked.Read(ref d));

    /// <summary>The last few drops, "Reason: detail", oldest first.</summary>
    public IReadOnlyList<string> RecentDrops => _recentDrops.ToArray();

    internal void OnAccepted() => Interlocked.Increment(ref _accepted);

    internal long OnOpened() => Interlocked.Increment(ref _active);

    internal void OnClosed() => Interlocked.Decrement(ref _active);

    internal void OnSession() => Interlocked.Increment(ref _sessions);

    internal void OnClosedByPeer() => Interlocked.Increment(ref _closedByPeer);

    internal void OnRequest() => Interlocked.Increment(ref _requests);

    internal void OnInvalidMessage() => Interlocked.Increment(ref _invalidMessages);

    internal void OnNotification() => Interlocked.Increment(ref _notifications);

    internal void OnDropped(ControlDropReason reason, string detail)
    {
        Interlocked.Increment(ref _drops[(int)reason]);
        _recentDrops.Enqueue($"{reason}: {detail}");
        while (_recentDrops.Count > RecentDropsKept && _recentDrops.TryDequeue(out _)) { }
    }

    public override string ToString()
    {
        var text = new StringBuilder($"accepted {Accepted}, active {Active}, sessions {Sessions}, closed by peer {ClosedByPeer}, requests {Requests}, invalid {InvalidMessages}, dropped {TotalDropped}");
        foreach (var reason in Enum.GetValues<ControlDropReason>())
        {
            var n = Dropped(reason);
            if (n > 0) text.Append($", {reason} {n}");
        }
        return text.ToString();
    }
}
