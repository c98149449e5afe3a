using System.Data.Common;

namespace MoodDJ.Storage.Sql;

internal sealed class SqlUserStore(Database db) : IUserStore
{
    private const string Columns = "id, name, salt, hash, iterations, created_at";

    public Task<UserRecord?> TryCreateAsync(string name, byte[] salt, byte[] hash, int iterations, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (c, t) =>
        {
            var now = DateTimeOffset.UtcNow;
            // ON CONFLICT DO NOTHING returns no row for a taken name: no exception, no aborted transaction.
            var ids = await c.QueryAsync(t,
                "INSERT INTO users (name, name_key, salt, hash, iterations, created_at) VALUES (@n, @k, @s, @h, @i, @a) ON CONFLICT (name_key) DO NOTHING RETURNING id",
                r => r.GetInt64(0), cancellationToken,
                ("n", name), ("k", Db.Key(name)), ("s", salt), ("h", hash), ("i", (long)iterations), ("a", Db.Ms(now))).ConfigureAwait(false);
            return ids.Count == 0 ? null : new UserRecord(ids[0], name, salt, hash, iterations, Db.At(Db.Ms(now)));
        }, cancellationToken);

    public Task<UserRecord?> FindAsync(string name, CancellationToken cancellationToken = default) =>
        db.ReadAsync(async c => (await c.QueryAsync(null, $"SELECT {Columns} FROM users WHERE name_key = @k", Map, cancellationToken, ("k", Db.Key(name))).ConfigureAwait(false)).FirstOrDefault(), cancellationToken);

    public Task<UserRecord?> FindAsync(long id, CancellationToken cancellationToken = default) =>
        db.ReadAsync(async c => (await c.QueryAsync(null, $"SELECT {Columns} FROM users WHERE id = @i", Map, cancellationToken, ("i", id)).ConfigureAwait(false)).FirstOrDefault(), cancellationToken);

    private static UserRecord Map(DbDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), (byte[])r[2], (byte[])r[3], (int)r.GetInt64(4), Db.At(r.GetInt64(5)));
}

internal sealed class SqlSessionStore(Database db) : ISessionStore
{
    public Task CreateAsync(SessionRecord s, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.ExecuteAsync(t,
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, revoked) VALUES (@h, @u, @c, @e, @r)", cancellationToken,
            ("h", s.TokenHash), ("u", s.UserId), ("c", Db.Ms(s.CreatedAt)), ("e", Db.Ms(s.ExpiresAt)), ("r", s.Revoked ? 1L : 0L)), cancellationToken);

    public Task<SessionRecord?> FindAsync(byte[] tokenHash, CancellationToken cancellationToken = default) =>
        db.ReadAsync(async c => (await c.QueryAsync(null,
            "SELECT token_hash, user_id, created_at, expires_at, revoked FROM sessions WHERE token_hash = @h",
            r => new SessionRecord((byte[])r[0], r.GetInt64(1), Db.At(r.GetInt64(2)), Db.At(r.GetInt64(3)), r.GetInt64(4) != 0),
            cancellationToken, ("h", tokenHash)).ConfigureAwait(false)).FirstOrDefault(), cancellationToken);

    public async Task<bool> RevokeAsync(byte[] tokenHash, CancellationToken cancellationToken = default) =>
        await db.WriteAsync((c, t) => c.ExecuteAsync(t, "UPDATE sessions SET revoked = 1 WHERE token_hash = @h", cancellationToken, ("h", tokenHash)), cancellationToken).ConfigureAwait(false) > 0;

    public Task<int> DeleteExpiredAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.ExecuteAsync(t, "DELETE FROM sessions WHERE expires_at < @b", cancellationToken, ("b", Db.Ms(before))), cancellationToken);
}

internal sealed class SqlRoomStore(Database db) : IRoomStore
{
    private const string Columns = "id, name, owner_id, allow_visitors, created_at";

    public Task<RoomRecord?> TryCreateAsync(string name, long ownerId, bool allowVisitors, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (c, t) =>
        {
            var now = Db.Ms(DateTimeOffset.UtcNow);
            var ids = await c.QueryAsync(t,
                "INSERT INTO rooms (name, name_key, owner_id, allow_visitors, created_at) VALUES (@n, @k, @o, @v, @a) ON CONFLICT (name_key) DO NOTHING RETURNING id",
                r => r.GetInt64(0), cancellationToken, ("n", name), ("k", Db.Key(name)), ("o", ownerId), ("v", allowVisitors ? 1L : 0L), ("a", now)).ConfigureAwait(false);
            if (ids.Count == 0) return null;
            await c.ExecuteAsync(t, "INSERT INTO room_members (room_id, user_id, role) VALUES (@r, @u, @role)", cancellationToken,
                ("r", ids[0]), ("u", ownerId), ("role", (long)RoomRole.Owner)).ConfigureAwait(false);
            return new RoomRecord(ids[0], name, ownerId, allowVisitors, Db.At(now));
        }, cancellationToken);

    public Task<RoomRecord?> FindAsync(string name, CancellationToken cancellationToken = default) =>
        db.ReadAsync(async c => (await c.QueryAsync(null, $"SELECT {Columns} FROM rooms WHERE name_key = @k", Map, cancellationToken, ("k", Db.Key(name))).ConfigureAwait(false)).FirstOrDefault(), cancellationToken);

    public Task<IReadOnlyList<RoomRecord>> ListAsync(CancellationToken cancellationToken = default) =>
        db.ReadAsync<IReadOnlyList<RoomRecord>>(async c => await c.QueryAsync(null, $"SELECT {Columns} FROM rooms ORDER BY name_key", Map, cancellationToken).ConfigureAwait(false), cancellationToken);

    public Task SetAllowVisitorsAsync(long roomId, bool allow, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.ExecuteAsync(t, "UPDATE rooms SET allow_visitors = @v WHERE id = @r", cancellationToken, ("v", allow ? 1L : 0L), ("r", roomId)), cancellationToken);

    public Task SetRoleAsync(long roomId, long userId, RoomRole role, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.ExecuteAsync(t,
            "INSERT INTO room_members (room_id, user_id, role) VALUES (@r, @u, @role) ON CONFLICT (room_id, user_id) DO UPDATE SET role = excluded.role WHERE room_members.role <> @owner",
            cancellationToken, ("r", roomId), ("u", userId), ("role", (long)role), ("owner", (long)RoomRole.Owner)), cancellationToken);

    public Task<RoomRole> RoleAsync(long roomId, long userId, CancellationToken cancellationToken = default) =>
        db.ReadAsync(async c =>
        {
            var roles = await c.QueryAsync(null, "SELECT role FROM room_members WHERE room_id = @r AND user_id = @u", r => (RoomRole)r.GetInt64(0),
                cancellationToken, ("r", roomId), ("u", userId)).ConfigureAwait(false);
            return roles.Count == 0 ? RoomRole.Visitor : roles[0];
        }, cancellationToken);

    private static RoomRecord Map(DbDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3) != 0, Db.At(r.GetInt64(4)));
}
