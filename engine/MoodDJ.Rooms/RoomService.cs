using Microsoft.Extensions.Logging;
using MoodDJ.Rooms.Chat;
using MoodDJ.Storage;

namespace MoodDJ.Rooms;

/// <summary>What joining gave: the room, the joiner's role, and the join notice (none for a visitor).</summary>
public sealed record JoinResult(RoomRecord Room, RoomRole Role, ChatMessage? Notice);

/// <summary>
/// Rooms and who may do what in them. A logged-in user who joins becomes a member (members write,
/// and later set the mood and skip); a session without a login is a visitor, who may only read and
/// listen, and only in rooms whose owner lets visitors in. Only the owner changes a room's settings.
/// </summary>
public sealed class RoomService(IMoodDJStore store, ChatService chat, ILogger log)
{
    public async Task<RoomRecord> CreateAsync(UserRecord owner, string? name, bool allowVisitors, CancellationToken cancellationToken = default)
    {
        name = NameRules.Room(name);
        var room = await store.Rooms.TryCreateAsync(name, owner.Id, allowVisitors, cancellationToken).ConfigureAwait(false)
            ?? throw new RoomsException(RoomsError.Taken, $"A room named '{name}' exists; choose another name or join it.");
        await store.Events.AppendAsync(EventKinds.RoomCreated, room.Name, owner.Name, allowVisitors ? "visitors allowed" : "members only", cancellationToken).ConfigureAwait(false);
        log.LogInformation("User '{User}' created room '{Room}'.", owner.Name, room.Name);
        return room;
    }

    public Task<IReadOnlyList<RoomRecord>> ListAsync(CancellationToken cancellationToken = default) => store.Rooms.ListAsync(cancellationToken);

    public async Task<RoomRecord> GetAsync(string? name, CancellationToken cancellationToken = default)
    {
        name = NameRules.Room(name);
        return await store.Rooms.FindAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new RoomsException(RoomsError.NotFound, $"There is no room '{name}'.");
    }

    /// <param name="announce">False for an invisible user: no join notice in the room's history.</param>
    public async Task<JoinResult> JoinAsync(UserRecord? user, string? name, CancellationToken cancellationToken = default, bool announce = true)
    {
        var room = await GetAsync(name, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            if (!room.AllowVisitors)
                throw new RoomsException(RoomsError.Forbidden, $"The owner of '{room.Name}' lets only members in; log in to join.");
            return new JoinResult(room, RoomRole.Visitor, null);
        }
        var role = await store.Rooms.RoleAsync(room.Id, user.Id, cancellationToken).ConfigureAwait(false);
        if (role == RoomRole.Visitor)
        {
            await store.Rooms.SetRoleAsync(room.Id, user.Id, RoomRole.Member, cancellationToken).ConfigureAwait(false);
            role = RoomRole.Member;
        }
        var notice = announce ? await chat.NoticeAsync(user, room, MessageKind.Join, cancellationToken).ConfigureAwait(false) : null;
        await store.Events.AppendAsync(EventKinds.RoomJoined, room.Name, user.Name, role.ToString().ToLowerInvariant(), cancellationToken).ConfigureAwait(false);
        return new JoinResult(room, role, notice);
    }

    /// <summary>The leave notice (none for a visitor).</summary>
    public async Task<ChatMessage?> LeaveAsync(UserRecord? user, RoomRecord room, CancellationToken cancellationToken = default, bool announce = true)
    {
        if (user is null) return null;
        var notice = announce ? await chat.NoticeAsync(user, room, MessageKind.Leave, cancellationToken).ConfigureAwait(false) : null;
        await store.Events.AppendAsync(EventKinds.RoomLeft, room.Name, user.Name, "", cancellationToken).ConfigureAwait(false);
        return notice;
    }

    public async Task<RoomRecord> SetAllowVisitorsAsync(UserRecord user, string? name, bool allow, CancellationToken cancellationToken = default)
    {
        var room = await GetAsync(name, cancellationToken).ConfigureAwait(false);
        if (room.OwnerId != user.Id)
            throw new RoomsException(RoomsError.Forbidden, $"Only the owner of '{room.Name}' changes its settings.");
        await store.Rooms.SetAllowVisitorsAsync(room.Id, allow, cancellationToken).ConfigureAwait(false);
        await store.Events.AppendAsync(EventKinds.RoomSettings, room.Name, user.Name, allow ? "visitors allowed" : "members only", cancellationToken).ConfigureAwait(false);
        return room with { AllowVisitors = allow };
    }

    /// <summary>Refuses a visitor (or a session without a login) a member's action.</summary>
    public async Task<RoomRole> RequireMemberAsync(UserRecord? user, RoomRecord room, string action, CancellationToken cancellationToken = default)
    {
        var role = user is null ? RoomRole.Visitor : await store.Rooms.RoleAsync(room.Id, user.Id, cancellationToken).ConfigureAwait(false);
        if (role == RoomRole.Visitor)
            throw new RoomsException(RoomsError.Forbidden,
                user is null ? $"Visitors read and listen; log in to {action} in '{room.Name}'." : $"Join '{room.Name}' first to {action} there.");
        return role;
    }
}
