namespace MoodDJ.Storage;

/// <summary>
/// Everything MoodDJ keeps: accounts, sessions, rooms, chat and the system log. One interface, two
/// implementations (SQLite, PostgreSQL) that pass the same tests. Every write returns only after it
/// has committed; when the database is unreachable a write waits up to
/// <see cref="StorageOptions.WriteWait"/> and then throws <see cref="StorageUnavailableException"/>.
/// </summary>
public interface IMoodDJStore : IAsyncDisposable
{
    string Provider { get; }
    IUserStore Users { get; }
    ISessionStore Sessions { get; }
    IRoomStore Rooms { get; }
    IMessageStore Messages { get; }
    IEventLog Events { get; }
    IListeningLog Listening { get; }
    IHostedRoomStore Hosted { get; }

    /// <summary>The schema versions applied to this database, oldest first.</summary>
    Task<IReadOnlyList<int>> SchemaVersionsAsync(CancellationToken cancellationToken = default);
}

public interface IUserStore
{
    /// <summary>Creates the user; null when the name (case-insensitively) is taken.</summary>
    Task<UserRecord?> TryCreateAsync(string name, byte[] salt, byte[] hash, int iterations, CancellationToken cancellationToken = default);
    Task<UserRecord?> FindAsync(string name, CancellationToken cancellationToken = default);
    Task<UserRecord?> FindAsync(long id, CancellationToken cancellationToken = default);
}

public interface ISessionStore
{
    Task CreateAsync(SessionRecord session, CancellationToken cancellationToken = default);
    Task<SessionRecord?> FindAsync(byte[] tokenHash, CancellationToken cancellationToken = default);
    /// <summary>Marks the session revoked; false when there is no such session.</summary>
    Task<bool> RevokeAsync(byte[] tokenHash, CancellationToken cancellationToken = default);
    /// <summary>Deletes sessions that expired before <paramref name="before"/>; returns how many.</summary>
    Task<int> DeleteExpiredAsync(DateTimeOffset before, CancellationToken cancellationToken = default);
}

public interface IRoomStore
{
    /// <summary>Creates the room with its owner as a member; null when the name (case-insensitively) is taken.</summary>
    Task<RoomRecord?> TryCreateAsync(string name, long ownerId, bool allowVisitors, CancellationToken cancellationToken = default);
    Task<RoomRecord?> FindAsync(string name, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<RoomRecord>> ListAsync(CancellationToken cancellationToken = default);
    Task SetAllowVisitorsAsync(long roomId, bool allow, CancellationToken cancellationToken = default);
    /// <summary>Adds or changes a member's role (never demotes the owner).</summary>
    Task SetRoleAsync(long roomId, long userId, RoomRole role, CancellationToken cancellationToken = default);
    /// <summary>The user's stored role in the room; <see cref="RoomRole.Visitor"/> when not a member.</summary>
    Task<RoomRole> RoleAsync(long roomId, long userId, CancellationToken cancellationToken = default);
}

public interface IMessageStore
{
    /// <summary>
    /// Stores <paramref name="message"/> unless the same user sent the same nonce within
    /// <paramref name="nonceWindow"/>; then returns the first message and Duplicate = true.
    /// </summary>
    Task<AppendResult> AppendAsync(ChatMessage message, TimeSpan nonceWindow, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> messages before the cursor (the newest when null), in time order.</summary>
    Task<HistoryPage> HistoryAsync(long roomId, string? before, int limit, CancellationToken cancellationToken = default);

    /// <summary>Forgets nonces older than <paramref name="before"/> (they can no longer be repeats).</summary>
    Task<int> PruneNoncesAsync(DateTimeOffset before, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores messages another server wrote (a hosted room's sync), in one transaction, skipping ids the
    /// room already holds; returns the ones newly stored, in id order. Their nonces are not claimed.
    /// </summary>
    Task<IReadOnlyList<ChatMessage>> ImportAsync(IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> of the room's messages with ids above <paramref name="afterId"/>, in id
    /// order: only those made by Snowflake <paramref name="node"/> when <paramref name="ofNode"/>, else
    /// only those made by any other node (what a hosted room's two servers each wrote).
    /// </summary>
    Task<IReadOnlyList<ChatMessage>> SinceAsync(long roomId, long afterId, int node, bool ofNode, int limit, CancellationToken cancellationToken = default);
}

/// <summary>
/// Rooms hosted by their users. A central server keeps each hosted room as a room of its own plus a
/// <see cref="HostedRoomRecord"/>; a hosting server keeps how far each room's sync got (<see cref="SyncCursor"/>).
/// </summary>
public interface IHostedRoomStore
{
    /// <summary>
    /// In one transaction: creates the room (owned by <paramref name="ownerId"/>) and marks it hosted, or
    /// updates the host of a room this owner registered before. Refused (with the room's record, when it
    /// exists) when the name belongs to another owner, to a room of this server that is not hosted, or
    /// when the owner already hosts <paramref name="maxPerOwner"/> rooms.
    /// </summary>
    Task<HostedRegistration> RegisterAsync(string name, long ownerId, bool allowVisitors, string hostEndPoint, int hostNode, int maxPerOwner,
        CancellationToken cancellationToken = default);
    Task<HostedRoomRecord?> FindAsync(long roomId, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<HostedRoomRecord>> ListAsync(CancellationToken cancellationToken = default);
    /// <summary>Notes that the host was heard from now.</summary>
    Task SeenAsync(long roomId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>The hosting side's cursors for <paramref name="roomId"/> (zeros before the first sync).</summary>
    Task<SyncCursor> CursorAsync(long roomId, CancellationToken cancellationToken = default);
    Task SaveCursorAsync(SyncCursor cursor, CancellationToken cancellationToken = default);
}

/// <summary>Append-only: there is no update or delete, and the database refuses them with triggers.</summary>
public interface IEventLog
{
    Task AppendAsync(string kind, string? room, string? user, string detail, CancellationToken cancellationToken = default);
    /// <summary>Events oldest first, optionally of one room and at or after <paramref name="since"/>, at most <paramref name="limit"/> (the newest ones).</summary>
    Task<IReadOnlyList<SystemEvent>> QueryAsync(string? room, DateTimeOffset? since, int limit, CancellationToken cancellationToken = default);
}

/// <summary>
/// How long each user listened in each room (seed 001's billing by play time). Append-only: one row
/// per listening spell (a subscription, from its start to its end), holding the time the music was
/// heard (pauses left out).
/// </summary>
public interface IListeningLog
{
    Task AppendAsync(ListeningRecord spell, CancellationToken cancellationToken = default);

    /// <summary>
    /// Totals per (user, room), largest first, of the spells that ended at or after <paramref name="since"/>;
    /// <paramref name="user"/> (case-insensitive) and <paramref name="room"/> narrow them.
    /// </summary>
    Task<IReadOnlyList<ListeningTotal>> TotalsAsync(string? user, string? room, DateTimeOffset? since, CancellationToken cancellationToken = default);
}
