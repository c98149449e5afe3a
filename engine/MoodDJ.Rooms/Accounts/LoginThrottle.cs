using System.Collections.Concurrent;

namespace MoodDJ.Rooms.Accounts;

/// <summary>
/// Sliding-window login limits: failed logins per account (a guessed password locks that account for
/// the rest of the window) and attempts per address (one address cannot spray many accounts).
/// A success clears the account's failures. Keys are forgotten once their window is empty.
/// </summary>
public sealed class LoginThrottle(int failuresPerAccount, int attemptsPerAddress, TimeSpan window, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, Queue<long>> _accounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Queue<long>> _addresses = new(StringComparer.Ordinal);
    private int _sweepCountdown = 1024;

    /// <summary>Counts an attempt from <paramref name="address"/>, refusing it when either limit is reached.</summary>
    public void Admit(string account, string address)
    {
        var now = _time.GetTimestamp();
        if (Full(_addresses, address, attemptsPerAddress, now, out var wait))
            throw new RoomsException(RoomsError.RateLimited,
                $"Too many login attempts from {address}; try again in {Math.Ceiling(wait.TotalSeconds)} s.", wait);
        if (Full(_accounts, account, failuresPerAccount, now, out wait))
            throw new RoomsException(RoomsError.RateLimited,
                $"Too many failed logins for '{account}'; the account is locked for {Math.Ceiling(wait.TotalSeconds)} s.", wait);
        Add(_addresses, address, now);
        if (Interlocked.Decrement(ref _sweepCountdown) <= 0) Sweep(now);
    }

    public void Failed(string account) => Add(_accounts, account, _time.GetTimestamp());

    public void Succeeded(string account) => _accounts.TryRemove(account, out _);

    private bool Full(ConcurrentDictionary<string, Queue<long>> map, string key, int limit, long now, out TimeSpan wait)
    {
        wait = TimeSpan.Zero;
        if (!map.TryGetValue(key, out var q)) return false;
        lock (q)
        {
            Trim(q, now);
            if (q.Count < limit) return false;
            wait = window - _time.GetElapsedTime(q.Peek(), now);
            return true;
        }
    }

    private void Add(ConcurrentDictionary<string, Queue<long>> map, string key, long now)
    {
        var q = map.GetOrAdd(key, _ => new Queue<long>());
        lock (q)
        {
            Trim(q, now);
            q.Enqueue(now);
        }
    }

    private void Trim(Queue<long> q, long now)
    {
        while (q.Count > 0 && _time.GetElapsedTime(q.Peek(), now) >= window) q.Dequeue();
    }

    private void Sweep(long now)
    {
        _sweepCountdown = 1024;
        foreach (var map in new[] { _accounts, _addresses })
            foreach (var (key, q) in map)
                lock (q)
                {
                    Trim(q, now);
                    if (q.Count == 0) map.TryRemove(key, out _);
                }
    }
}
