using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace MoodDJ.Station;

/// <summary>What the server knows about one control session after hello: who it is and which station it was routed to.</summary>
internal sealed class StationSession
{
    public const string ItemKey = "station.session";

    public required string ClientName { get; init; }

    /// <summary>The client's identity across reconnects; listeners belong to it, not to one connection.</summary>
    public required string ResumeToken { get; init; }

    private volatile LiveStation _station = null!;

    /// <summary>The station this session talks to (chosen by hello's <c>station</c> parameter; moved by <see cref="StationServer.Route"/>, e.g. on joining a room).</summary>
    public required LiveStation Station
    {
        get => _station;
        set => _station = value;
    }

    public static StationSession? Of(ControlSession session) =>
        session.Items.TryGetValue(ItemKey, out var value) ? value as StationSession : null;
}

/// <summary>
/// Remembers recent clients by resume token so a client that reconnects (network blip, idle
/// timeout) keeps its identity and its listeners. Bounded: the oldest entries go first.
/// </summary>
internal sealed class ResumeBook(int capacity)
{
    private readonly ConcurrentDictionary<string, (string Name, long Seen)> _clients = new(StringComparer.Ordinal);
    private long _clock;

    public bool TryResume(string token, out string name)
    {
        if (_clients.TryGetValue(token, out var entry))
        {
            _clients[token] = (entry.Name, Interlocked.Increment(ref _clock));
            name = entry.Name;
            return true;
        }
        name = "";
        return false;
    }

    public string Issue(string name)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _clients[token] = (name, Interlocked.Increment(ref _clock));
        if (_clients.Count > capacity)
        {
            foreach (var old in _clients.OrderBy(kv => kv.Value.Seen).Take(_clients.Count - capacity).ToList())
                _clients.TryRemove(old.Key, out _);
        }
        return token;
    }
}
