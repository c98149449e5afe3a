using System.Data.Common;

namespace MoodDJ.Storage.Sql;

/// <summary>One schema step. Versions only grow; a released step is never edited, a change is a new step.</summary>
internal sealed record Migration(int Version, string Name, Func<SqlDialect, string> Sql);

/// <summary>
/// Applies, at start, every migration newer than the database's version, each in its own transaction
/// with its row in schema_migrations. PostgreSQL takes an advisory lock so servers starting together
/// migrate once. A database newer than this build is refused rather than touched.
/// </summary>
internal static class Migrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "accounts, sessions, rooms, chat", d => d.Expand("""
            CREATE TABLE users (id {autoid}, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE,
                salt {blob} NOT NULL, hash {blob} NOT NULL, iterations BIGINT NOT NULL, created_at BIGINT NOT NULL);
            CREATE TABLE sessions (token_hash {blob} PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users(id),
                created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, revoked BIGINT NOT NULL DEFAULT 0);
            CREATE TABLE rooms (id {autoid}, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE,
                owner_id BIGINT NOT NULL REFERENCES users(id), allow_visitors BIGINT NOT NULL, created_at BIGINT NOT NULL);
            CREATE TABLE room_members (room_id BIGINT NOT NULL REFERENCES rooms(id), user_id BIGINT NOT NULL REFERENCES users(id),
                role BIGINT NOT NULL, PRIMARY KEY (room_id, user_id));
            CREATE TABLE chat_messages (room_id BIGINT NOT NULL, id BIGINT NOT NULL, user_id BIGINT NOT NULL, author TEXT NOT NULL,
                kind BIGINT NOT NULL, body TEXT NOT NULL, nonce TEXT, mentions TEXT NOT NULL, created_at BIGINT NOT NULL,
                PRIMARY KEY (room_id, id));
            CREATE TABLE chat_nonces (user_id BIGINT NOT NULL, nonce TEXT NOT NULL, room_id BIGINT NOT NULL, message_id BIGINT NOT NULL,
                created_at BIGINT NOT NULL, PRIMARY KEY (user_id, nonce));
            """)),
        new(2, "append-only system event log", d => d.Expand("""
            CREATE TABLE system_events (id {autoid}, at BIGINT NOT NULL, kind TEXT NOT NULL, room TEXT, user_name TEXT, detail TEXT NOT NULL);
            CREATE INDEX system_events_at ON system_events (at);
            CREATE INDEX system_events_room ON system_events (room, at);
            """) + "\n" + d.AppendOnly("system_events")),
        new(3, "listening time per user and room", d => d.Expand("""
            CREATE TABLE listening (id {autoid}, user_name TEXT NOT NULL, user_key TEXT NOT NULL, room TEXT NOT NULL,
                started_at BIGINT NOT NULL, ended_at BIGINT NOT NULL, heard_ms BIGINT NOT NULL);
            CREATE INDEX listening_user ON listening (user_key, ended_at);
            CREATE INDEX listening_room ON listening (room, ended_at);
            """) + "\n" + d.AppendOnly("listening")),
        // A central server's rooms hosted on their owners' machines, and a host's sync cursors (docs/protocol.md, "Rooms hosted by their users").
        new(4, "rooms hosted by their users, sync cursors", d => d.Expand("""
            CREATE TABLE hosted_rooms (room_id BIGINT PRIMARY KEY REFERENCES rooms(id), host_endpoint TEXT NOT NULL, host_node BIGINT NOT NULL,
                registered_at BIGINT NOT NULL, seen_at BIGINT NOT NULL);
            CREATE TABLE central_sync (room_id BIGINT PRIMARY KEY REFERENCES rooms(id), pushed_through BIGINT NOT NULL, pulled_through BIGINT NOT NULL);
            """)),
    ];

    public static async Task RunAsync(Database database, CancellationToken cancellationToken)
    {
        var dialect = database.Dialect;
        await database.WriteAsync(async (c, t) =>
        {
            await c.ExecuteAsync(t, dialect.MigrationLock +
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL);",
                cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);

        foreach (var migration in All)
        {
            await database.WriteAsync(async (c, t) =>
            {
                if (dialect.MigrationLock.Length > 0) await c.ExecuteAsync(t, dialect.MigrationLock, cancellationToken).ConfigureAwait(false);
                var current = await CurrentAsync(c, t, cancellationToken).ConfigureAwait(false);
                if (current > All[^1].Version)
                    throw new StorageSchemaException(
                        $"The database is at schema version {current}, newer than this build knows ({All[^1].Version}); upgrade MoodDJ or use another database.");
                if (current >= migration.Version) return 0;
                await c.ExecuteAsync(t, migration.Sql(dialect), cancellationToken).ConfigureAwait(false);
                await c.ExecuteAsync(t, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, @n, @a)", cancellationToken,
                    ("v", (long)migration.Version), ("n", migration.Name), ("a", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())).ConfigureAwait(false);
                return 1;
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<long> CurrentAsync(DbConnection c, DbTransaction t, CancellationToken cancellationToken)
    {
        var rows = await c.QueryAsync(t, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
        return rows[0];
    }

    public static Task<IReadOnlyList<int>> VersionsAsync(Database database, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<int>>(async c =>
            await c.QueryAsync(null, "SELECT version FROM schema_migrations ORDER BY version", r => (int)r.GetInt64(0), cancellationToken).ConfigureAwait(false),
            cancellationToken);
}
