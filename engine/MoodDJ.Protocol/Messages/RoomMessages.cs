namespace MoodDJ.Protocol.Messages;

// The JSON shapes of accounts, rooms and chat (docs/protocol.md, "Rooms, accounts and chat").
// Message ids are strings on the wire: 64-bit Snowflakes do not fit a JavaScript number.

/// <summary>A chat entry: <see cref="Kind"/> is text, join or leave; <see cref="Mentions"/> the users it @-named.</summary>
public sealed record ChatMessageDto(string Id, string Room, string Author, string Kind, string Text, string? Nonce, IReadOnlyList<string> Mentions, DateTimeOffset At);

/// <summary>
/// <see cref="Listeners"/>: players on the room's station now; <see cref="Station"/>: its station id while it runs.
/// A room hosted by its owner's own server: <see cref="Host"/> is where that server says it listens, and
/// <see cref="HostOnline"/> whether it is connected now (both null for the server's own rooms).
/// </summary>
public sealed record RoomDto(string Name, string Owner, bool AllowVisitors, int Online, int Listeners = 0, string? Station = null,
    string? Host = null, bool? HostOnline = null);

/// <summary><see cref="Status"/>: online or away (invisible sessions are not listed).</summary>
public sealed record PresenceDto(string Name, string Role, string Status = "online");

/// <summary><c>presenceSet</c>'s answer: the status the others now see (offline for invisible).</summary>
public sealed record PresenceResult(string Status);

/// <summary>The <c>roomPresence</c> notification: someone in the room changed status (offline: went invisible).</summary>
public sealed record RoomPresenceEvent(string Room, string Name, string Role, string Status);

/// <summary>
/// The <c>roomHistoryGrew</c> notification: <see cref="Added"/> messages synced from a hosted room's
/// other server were stored instead of shown one by one; their ids run from <see cref="FirstId"/> to
/// <see cref="LastId"/> (not necessarily contiguous: they may fall between messages already shown).
/// </summary>
public sealed record RoomHistoryGrewEvent(string Room, int Added, string FirstId, string LastId);

public sealed record AccountResult(string User);

public sealed record LoginResultDto(string User, string Token, DateTimeOffset? ExpiresAt);

public sealed record RoomListResult(IReadOnlyList<RoomDto> Rooms);

/// <summary><see cref="Routed"/>: the session's station methods now act on the room's <see cref="Station"/> (false before hello).</summary>
public sealed record RoomJoinResult(RoomDto Room, string Role, IReadOnlyList<PresenceDto> Online, string? Station = null, bool Routed = false);

public sealed record RoomSayResult(ChatMessageDto Message, bool Duplicate);

/// <summary>A page in time order; <see cref="Before"/> fetches the page before it (null at the start of the room).</summary>
public sealed record RoomHistoryResult(IReadOnlyList<ChatMessageDto> Messages, string? Before);

public sealed record RoomWhoResult(string Room, IReadOnlyList<PresenceDto> Online, int Listeners = 0);
