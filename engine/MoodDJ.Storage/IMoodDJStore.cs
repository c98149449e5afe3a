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
