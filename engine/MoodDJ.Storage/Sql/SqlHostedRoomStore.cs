using System.Data.Common;

namespace MoodDJ.Storage.Sql;

/// <summary>Hosted rooms (central side) and sync cursors (hosting side); see <see cref="IHostedRoomStore"/>.</summary>
internal sealed class SqlHostedRoomStore(Database db) : IHostedRoomStore
{
    private const string Columns = "room_id, host_endpoint, host_node, registered_at, seen_at";

    public Task<HostedRegistration> RegisterAsync(string name, long ownerId, bool allowVisitors, string hostEndPoint, int hostNode, int maxPerOwner,
        CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (c, t) =>
        {
            var now = Db.Ms(DateTimeOffset.UtcNow);
            var existing = (await c.QueryAsync(t,
                "SELECT r.id, r.name, r.owner_id, r.allow_visitors, r.created_at, h.room_id FROM rooms r LEFT JOIN hosted_rooms h ON h.room_id = r.id WHERE r.name_key = @k",
                r => (Room: new RoomRecord(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3) != 0, Db.At(r.GetInt64(4))), Hosted: !r.IsDBNull(5)),
                cancellationToken, ("k", Db.Key(name))).ConfigureAwait(false)).FirstOrDefault();
            if (existing.Room is { } room)
            {
                if (room.OwnerId != ownerId) return new HostedRegistration(HostedRegistrationOutcome.OwnedByAnother, room);
                if (!existing.Hosted) return new HostedRegistration(HostedRegistrationOutcome.NotHosted, room);
                await c.ExecuteAsync(t, "UPDATE hosted_rooms SET host_endpoint = @e, host_node = @n, seen_at = @a WHERE room_id = @r", cancellationToken,
                    ("e", hostEndPoint), ("n", (long)hostNode), ("a", now), ("r", room.Id)).ConfigureAwait(false);
                return new HostedRegistration(HostedRegistrationOutcome.Updated, room);
            }
            var count = (await c.QueryAsync(t, "SELECT COUNT(*) FROM hosted_rooms h JOIN rooms r ON r.id = h.room_id WHERE r.owner_id = @o",
                r => r.GetInt64(0), cancellationToken, ("o", ownerId)).ConfigureAwait(false))[0];
            if (count >= maxPerOwner) return new HostedRegistration(HostedRegistrationOutcome.TooMany, null);
            var id = (await c.QueryAsync(t,
                "INSERT INTO rooms (name, name_key, owner_id, allow_visitors, created_at) VALUES (@n, @k, @o, @v, @a) RETURNING id",
                r => r.GetInt64(0), cancellationToken, ("n", name), ("k", Db.Key(name)), ("o", ownerId), ("v", allowVisitors ? 1L : 0L), ("a", now)).ConfigureAwait(false))[0];
            await c.ExecuteAsync(t, "INSERT INTO room_members (room_id, user_id, role) VALUES (@r, @u, @role)", cancellationToken,
                ("r", id), ("u", ownerId), ("role", (long)RoomRole.Owner)).ConfigureAwait(false);
            await c.ExecuteAsync(t, $"INSERT INTO hosted_rooms ({Columns}) VALUES (@r, @e, @n, @a, @a)", cancellationToken,
                ("r", id), ("e", hostEndPoint), ("n", (long)hostNode), ("a", now)).ConfigureAwait(false);
            return new HostedRegistration(HostedRegistrationOutcome.Registered, new RoomRecord(id, name, ownerId, allowVisitors, Db.At(now)));
        }, cancellationToken);

    public Task<HostedRoomRecord?> FindAsync(long roomId, CancellationToken cancellationToken = default) =>
        db.ReadAsync(async c => (await c.QueryAsync(null, $"SELECT {Columns} FROM hosted_rooms WHERE room_id = @r", Map, cancellationToken, ("r", roomId))
            .ConfigureAwait(false)).FirstOrDefault(), cancellationToken);

    public Task<IReadOnlyList<HostedRoomRecord>> ListAsync(CancellationToken cancellationToken = default) =>
        db.ReadAsync<IReadOnlyList<HostedRoomRecord>>(async c => await c.QueryAsync(null, $"SELECT {Columns} FROM hosted_rooms ORDER BY room_id", Map, cancellationToken)
            .ConfigureAwait(false), cancellationToken);

    public Task SeenAsync(long roomId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.ExecuteAsync(t, "UPDATE hosted_rooms SET seen_at = @a WHERE room_id = @r", cancellationToken, ("a", Db.Ms(at)), ("r", roomId)), cancellationToken);

    public Task<SyncCursor> CursorAsync(long roomId, CancellationToken cancellationToken = default) =>
        db.ReadAsync(async c => (await c.QueryAsync(null, "SELECT room_id, pushed_through, pulled_through FROM central_sync WHERE room_id = @r",
            r => new SyncCursor(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2)), cancellationToken, ("r", roomId)).ConfigureAwait(false))
            .FirstOrDefault() ?? new SyncCursor(roomId, 0, 0), cancellationToken);

    // Cursors only move forward: a slow writer of an older cursor cannot undo a newer one.
    public Task SaveCursorAsync(SyncCursor cursor, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.ExecuteAsync(t,
            "INSERT INTO central_sync (room_id, pushed_through, pulled_through) VALUES (@r, @p, @q) ON CONFLICT (room_id) DO UPDATE SET " +
            "pushed_through = CASE WHEN excluded.pushed_through > central_sync.pushed_through THEN excluded.pushed_through ELSE central_sync.pushed_through END, " +
            "pulled_through = CASE WHEN excluded.pulled_through > central_sync.pulled_through THEN excluded.pulled_through ELSE central_sync.pulled_through END",
            cancellationToken, ("r", cursor.RoomId), ("p", cursor.PushedThrough), ("q", cursor.PulledThrough)), cancellationToken);

    private static HostedRoomRecord Map(DbDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), (int)r.GetInt64(2), Db.At(r.GetInt64(3)), Db.At(r.GetInt64(4)));
}
