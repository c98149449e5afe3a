namespace MoodDJ.Storage;

/// <summary>An account: its password is only ever stored as a PBKDF2 hash with its own salt.</summary>
public sealed record UserRecord(long Id, string Name, byte[] Salt, byte[] Hash, int Iterations, DateTimeOffset CreatedAt);

/// <summary>A login session. Only the SHA-256 of the token is stored, so a leaked database holds no usable token.</summary>
public sealed record SessionRecord(byte[] TokenHash, long UserId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, bool Revoked);

/// <summary>A room: its owner decides whether visitors (people who are not members) may join.</summary>
public sealed record RoomRecord(long Id, string Name, long OwnerId, bool AllowVisitors, DateTimeOffset CreatedAt);

/// <summary>What a user is in a room.</summary>
public enum RoomRole { Visitor = 0, Member = 1, Owner = 2 }

/// <summary>Kinds of chat history entries: what people wrote, and who came and went.</summary>
public enum MessageKind { Text = 0, Join = 1, Leave = 2 }

/// <summary>
/// One entry of a room's history. <see cref="Id"/> is a Snowflake id: it sorts by time and is the
/// room's one fixed order. <see cref="Mentions"/> are the user names the text addressed with @name.
/// </summary>
public sealed record ChatMessage(long Id, long RoomId, long UserId, string Author, MessageKind Kind, string Body,
    string? Nonce, IReadOnlyList<string> Mentions, DateTimeOffset At);

/// <summary>The outcome of an append: the stored message, and whether it was a repeat of an earlier send (same nonce).</summary>
public sealed record AppendResult(ChatMessage Message, bool Duplicate);

/// <summary>A page of history in time order, and the cursor that fetches the page before it (null at the start).</summary>
public sealed record HistoryPage(IReadOnlyList<ChatMessage> Messages, string? Before);

/// <summary>One entry of the append-only system event log (seed 003's system.log, in the database).</summary>
public sealed record SystemEvent(long Id, DateTimeOffset At, string Kind, string? Room, string? User, string Detail);

/// <summary>Kinds of system events the engine writes.</summary>
public static class EventKinds
{
    public const string Register = "register";
    public const string Login = "login";
    public const string LoginFailed = "login-failed";
    public const string Logout = "logout";
    public const string RoomCreated = "room-created";
    public const string RoomJoined = "room-joined";
    public const string RoomLeft = "room-left";
    public const string RoomSettings = "room-settings";
    public const string Mood = "mood";
    public const string Error = "error";
    public const string RoomHosted = "room-hosted";
}

/// <summary>One listening spell: <see cref="Heard"/> is the time the music played to the user between <see cref="Started"/> and <see cref="Ended"/>.</summary>
public sealed record ListeningRecord(string User, string Room, DateTimeOffset Started, DateTimeOffset Ended, TimeSpan Heard);

/// <summary>A user's listening in one room, summed over <see cref="Spells"/> spells; <see cref="Last"/> is when the latest ended.</summary>
public sealed record ListeningTotal(string User, string Room, TimeSpan Heard, int Spells, DateTimeOffset Last);

/// <summary>A central server's note of a room hosted on its owner's machine: where the host said it listens, and its Snowflake node.</summary>
public sealed record HostedRoomRecord(long RoomId, string HostEndPoint, int HostNode, DateTimeOffset RegisteredAt, DateTimeOffset SeenAt);

public enum HostedRegistrationOutcome { Registered, Updated, OwnedByAnother, NotHosted, TooMany }

/// <summary>What <see cref="IHostedRoomStore.RegisterAsync"/> did; <see cref="Room"/> is null only for TooMany with a new name.</summary>
public sealed record HostedRegistration(HostedRegistrationOutcome Outcome, RoomRecord? Room);

/// <summary>
/// How far a hosting server's sync of one room got: the highest id of its own the central server
/// acknowledged, and the highest id written at the central server it has stored.
/// </summary>
public sealed record SyncCursor(long RoomId, long PushedThrough, long PulledThrough);
