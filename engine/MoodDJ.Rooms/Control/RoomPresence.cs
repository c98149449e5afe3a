using System.Collections.Concurrent;
using MoodDJ.Station;
using MoodDJ.Storage;

namespace MoodDJ.Rooms.Control;

/// <summary>Who is in a room now: one entry per control session that joined it.</summary>
public sealed record Presence(ControlSession Session, string Name, RoomRole Role);

/// <summary>The sessions in each room, for notices, /who and listener counts. In memory: presence ends with the connection.</summary>
public sealed class RoomPresence
{
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<long, Presence>> _rooms = new();

    public void Enter(long roomId, Presence presence) => _rooms.GetOrAdd(roomId, _ => new()).TryAdd(presence.Session.Id, presence);

    public bool Leave(long roomId, ControlSession session) =>
        _rooms.TryGetValue(roomId, out var members) && members.TryRemove(session.Id, out _);

    public Presence? Find(long roomId, ControlSession session) =>
        _rooms.TryGetValue(roomId, out var members) && members.TryGetValue(session.Id, out var presence) ? presence : null;

    public bool Contains(long roomId, ControlSession session) => _rooms.TryGetValue(roomId, out var members) && members.ContainsKey(session.Id);

    public IReadOnlyList<Presence> In(long roomId) =>
        _rooms.TryGetValue(roomId, out var members) ? members.Values.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase).ToList() : [];

    public int Count(long roomId) => _rooms.TryGetValue(roomId, out var members) ? members.Count : 0;
}
