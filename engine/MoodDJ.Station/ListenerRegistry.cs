using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;

namespace MoodDJ.Station;

/// <summary>
/// The station's listeners, keyed by heartbeat token. Mutations are rare (subscribe, leave, expiry)
/// and rebuild an immutable array that the pump iterates without locks; heartbeats only look up and
/// stamp a time. Limits (total and per session) are enforced here.
/// </summary>
public sealed class ListenerRegistry : IListenerDirectory
{
    private readonly ConcurrentDictionary<UInt128, Listener> _byToken = new();
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly int _maxListeners;
    private readonly int _maxPerSession;
    private readonly TimeSpan _expiry;
    private Listener[] _snapshot = [];
    private long _nextId;
    private long _expired;

    public ListenerRegistry(int maxListeners, int maxPerSession, TimeSpan expiry, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxListeners, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerSession, 1);
        _maxListeners = maxListeners;
        _maxPerSession = maxPerSession;
        _expiry = expiry;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Raised (outside the lock) with the new count whenever a listener joins or leaves.</summary>
    public event Action<int>? CountChanged;

    /// <summary>Raised (outside the lock) with a listener that joined and the new count.</summary>
    public event Action<Listener, int>? Joined;

    /// <summary>Raised (outside the lock) with a listener that left, the new count and why (left, expired, replaced, session).</summary>
    public event Action<Listener, int, string>? Left;

    /// <summary>Every listener now; the array is never mutated, so callers may iterate it freely.</summary>
    public Listener[] Snapshot => Volatile.Read(ref _snapshot);

    public int Count => Snapshot.Length;

    /// <summary>Listeners dropped for silence since the station started.</summary>
    public long ExpiredCount => Interlocked.Read(ref _expired);

    /// <summary>
    /// Adds a listener for <paramref name="sessionId"/> at <paramref name="endPoint"/>. A session that
    /// subscribes the same endpoint again replaces its old listener (a player that restarted).
    /// Returns null and a reason when a limit is reached.
    /// </summary>
    public Listener? TryAdd(string sessionId, IPEndPoint endPoint, IRtpProtector protector, out string? error, string? name = null, MeshPeer? mesh = null)
    {
        Listener listener;
        Listener? replaced;
        int count;
        lock (_gate)
        {
            var current = _snapshot;
            replaced = Array.Find(current, l => l.SessionId == sessionId && l.EndPoint.Equals(endPoint));
            var others = replaced is null ? current : Array.FindAll(current, l => !ReferenceEquals(l, replaced));
            if (others.Length >= _maxListeners)
            {
                error = $"The station is full ({_maxListeners} listeners, station:maxListeners).";
                return null;
            }
            if (Array.FindAll(others, l => l.SessionId == sessionId).Length >= _maxPerSession)
            {
                error = $"This session already has {_maxPerSession} listeners (station:maxListenersPerSession).";
                return null;
            }
            if (replaced is not null)
                _byToken.TryRemove(replaced.Token, out _);
            listener = new Listener(++_nextId, NewToken(), sessionId, endPoint, protector, _time.GetTimestamp(), name, mesh);
            _byToken[listener.Token] = listener;
            Volatile.Write(ref _snapshot, [.. others, listener]);
            count = others.Length + 1;
        }
        error = null;
        if (replaced is not null)
        {
            replaced.Retire();
            Left?.Invoke(replaced, count, "replaced");
        }
        Joined?.Invoke(listener, count);
        CountChanged?.Invoke(count);
        return listener;
    }

    /// <summary>Records a heartbeat; false for a token nobody holds.</summary>
    public bool TryTouch(UInt128 token)
    {
        if (!_byToken.TryGetValue(token, out var listener))
            return false;
        listener.Touch(_time.GetTimestamp());
        return true;
    }

    public bool TryGet(UInt128 token, out Listener? listener) => _byToken.TryGetValue(token, out listener);

    public bool Remove(UInt128 token) => RemoveWhere(l => l.Token == token, "left") > 0;

    /// <summary>Drops every listener a session holds (the session said stop, or was closed for abuse).</summary>
    public int RemoveSession(string sessionId, string reason = "session closed") => RemoveWhere(l => l.SessionId == sessionId, reason);

    /// <summary>Drops listeners not heard from within the expiry; returns how many.</summary>
    public int ExpireSilent()
    {
        var now = _time.GetTimestamp();
        var removed = RemoveWhere(l => _time.GetElapsedTime(l.LastHeard, now) > _expiry, "expired");
        if (removed > 0)
            Interlocked.Add(ref _expired, removed);
        return removed;
    }

    public void Clear() => RemoveWhere(_ => true, "station stopped");

    /// <summary>Removes the listeners that match; each is retired (its SRTP context disposed once no send uses it).</summary>
    private int RemoveWhere(Predicate<Listener> match, string reason)
    {
        Listener[] gone;
        int count;
        lock (_gate)
        {
            var current = _snapshot;
            if (!Array.Exists(current, match))
                return 0;
            gone = Array.FindAll(current, match);
            var kept = Array.FindAll(current, l => !match(l));
            foreach (var l in gone)
                _byToken.TryRemove(l.Token, out _);
            Volatile.Write(ref _snapshot, kept);
            count = kept.Length;
        }
        foreach (var l in gone)
        {
            l.Retire();
            Left?.Invoke(l, count, reason);
        }
        CountChanged?.Invoke(count);
        return gone.Length;
    }

    private static UInt128 NewToken()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }
}
