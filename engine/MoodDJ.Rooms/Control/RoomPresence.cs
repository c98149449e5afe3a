using System.Collections.Concurrent;
using MoodDJ.Station;
using MoodDJ.Storage;

namespace MoodDJ.Rooms.Control;

/// <summary>What a session shows the others: online, away (there, not at the keyboard), or invisible (in the room, shown to nobody).</summary>
public enum PresenceStatus { Online = 0, Away = 1, Invisible = 2 }

/// <summary>Who is in a room now: one entry per control session that joined it.</summary>
public sealed record Presence(ControlSession Session, string Name, RoomRole Role);

/// <summary>
/// The sessions in each room, for notices, /who and counts, and each session's status (one for all
/// its rooms). In memory: presence ends with the connection. An invisible session still hears the
/// room, but is left out of every list and count the others see.
/// </summary>
public sealed class RoomPresence
{
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<long, Presence>> _rooms = new();
    private readonly ConcurrentDictionary<long, PresenceStatus> _status = new();

    public void Enter(long roomId, Presence presence) => _rooms.GetOrAdd(roomId, _ => new()).TryAdd(presence.Session.Id, presence);

    public bool Leave(long roomId, ControlSession session) =>
        _rooms.TryGetValue(roomId, out var members) && members.TryRemove(session.Id, out _);

    public Presence? Find(long roomId, ControlSession session) =>
        _rooms.TryGetValue(roomId, out var members) && members.TryGetValue(session.Id, out var presence) ? presence : null;

    public bool Contains(long roomId, ControlSession session) => _rooms.TryGetValue(roomId, out var members) && members.ContainsKey(session.Id);

    /// <summary>Everyone in the room, invisible ones included (for delivering messages).</summary>
    public IReadOnlyList<Presence> In(long roomId) =>
        _rooms.TryGetValue(roomId, out var members) ? members.Values.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase).ToList() : [];

    /// <summary>Those the others may see, with their status.</summary>
    public IReadOnlyList<(Presence Presence, PresenceStatus Status)> Visible(long roomId) =>
        In(roomId).Select(p => (p, StatusOf(p.Session))).Where(p => p.Item2 != PresenceStatus.Invisible).ToList();

    /// <summary>How many the others see in the room (invisible sessions not counted).</summary>
    public int Count(long roomId) =>
        _rooms.TryGetValue(roomId, out var members) ? members.Values.Count(p => StatusOf(p.Session) != PresenceStatus.Invisible) : 0;

    /// <summary>Whether anyone at all is in the room (invisible ones too): a room in use keeps its station.</summary>
    public bool Occupied(long roomId) => _rooms.TryGetValue(roomId, out var members) && !members.IsEmpty;

    public PresenceStatus StatusOf(ControlSession session) => _status.TryGetValue(session.Id, out var status) ? status : PresenceStatus.Online;

    /// <summary>Sets the session's status; returns the one it had.</summary>
    public PresenceStatus SetStatus(ControlSession session, PresenceStatus status)
    {
        var old = StatusOf(session);
        if (status == PresenceStatus.Online) _status.TryRemove(session.Id, out _);
        else _status[session.Id] = status;
        return old;
    }

    /// <summary>Forgets a closed session's status.</summary>
    public void Forget(ControlSession session) => _status.TryRemove(session.Id, out _);
}
