using System.Data.Common;
using System.Globalization;

namespace MoodDJ.Storage.Sql;

/// <summary>
/// Chat history keyed by (room, Snowflake id): a page is one range scan of the primary key.
/// Repeats are caught by claiming the (user, nonce) row first: a fresh claim inserts the message,
/// a claim held within the window returns the first message instead. Claiming before inserting
/// also makes a retried write (after a lost acknowledgement) harmless.
/// </summary>
internal sealed class SqlMessageStore(Database db) : IMessageStore
{
    private const string Columns = "id, room_id, user_id, author, kind, body, nonce, mentions, created_at";

    public Task<AppendResult> AppendAsync(ChatMessage m, TimeSpan nonceWindow, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (c, t) =>
        {
            if (m.Nonce is not null)
            {
                var cutoff = Db.Ms(m.At - nonceWindow);
                var claimed = await c.QueryAsync(t,
                    "INSERT INTO chat_nonces (user_id, nonce, room_id, message_id, created_at) VALUES (@u, @n, @r, @m, @a) " +
                    "ON CONFLICT (user_id, nonce) DO UPDATE SET room_id = excluded.room_id, message_id = excluded.message_id, created_at = excluded.created_at " +
                    "WHERE chat_nonces.created_at < @cutoff RETURNING message_id",
                    r => r.GetInt64(0), cancellationToken,
                    ("u", m.UserId), ("n", m.Nonce), ("r", m.RoomId), ("m", m.Id), ("a", Db.Ms(m.At)), ("cutoff", cutoff)).ConfigureAwait(false);
                if (claimed.Count == 0)
                {
                    var first = await c.QueryAsync(t,
                        $"SELECT {Columns} FROM chat_messages WHERE (room_id, id) IN (SELECT room_id, message_id FROM chat_nonces WHERE user_id = @u AND nonce = @n)",
                        Map, cancellationToken, ("u", m.UserId), ("n", m.Nonce)).ConfigureAwait(false);
                    if (first.Count > 0) return new AppendResult(first[0], Duplicate: true);
                }
            }
            await c.ExecuteAsync(t,
                $"INSERT INTO chat_messages ({Columns}) VALUES (@id, @r, @u, @au, @k, @b, @n, @me, @a)", cancellationToken,
                ("id", m.Id), ("r", m.RoomId), ("u", m.UserId), ("au", m.Author), ("k", (long)m.Kind), ("b", m.Body), ("n", m.Nonce),
                ("me", string.Join(' ', m.Mentions)), ("a", Db.Ms(m.At))).ConfigureAwait(false);
            return new AppendResult(m with { At = Db.At(Db.Ms(m.At)) }, Duplicate: false);
        }, cancellationToken);

    public Task<HistoryPage> HistoryAsync(long roomId, string? before, int limit, CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > 100) throw new ArgumentOutOfRangeException(nameof(limit), limit, "A history page holds 1 to 100 messages.");
        long beforeId = long.MaxValue;
        if (before is not null && (!long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out beforeId) || beforeId <= 0))
            throw new ArgumentException($"The history cursor '{Truncate(before)}' is not one this server gave out.", nameof(before));
        return db.ReadAsync(async c =>
        {
            // One more than asked tells whether an older page exists.
            var rows = await c.QueryAsync(null,
                $"SELECT {Columns} FROM chat_messages WHERE room_id = @r AND id < @b ORDER BY id DESC LIMIT @l", Map, cancellationToken,
                ("r", roomId), ("b", beforeId), ("l", (long)limit + 1)).ConfigureAwait(false);
            var more = rows.Count > limit;
            if (more) rows.RemoveAt(rows.Count - 1);
            rows.Reverse();
            return new HistoryPage(rows, more ? rows[0].Id.ToString(CultureInfo.InvariantCulture) : null);
        }, cancellationToken);
    }

    public Task<int> PruneNoncesAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.ExecuteAsync(t, "DELETE FROM chat_nonces WHERE created_at < @b", cancellationToken, ("b", Db.Ms(before))), cancellationToken);

    public Task<IReadOnlyList<ChatMessage>> ImportAsync(IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken = default) =>
        db.WriteAsync<IReadOnlyList<ChatMessage>>(async (c, t) =>
        {
            var stored = new List<ChatMessage>();
            foreach (var m in messages.OrderBy(m => m.Id))
            {
                // The key (room, id) is the dedupe: a message already synced is skipped, never overwritten.
                var n = await c.ExecuteAsync(t,
                    $"INSERT INTO chat_messages ({Columns}) VALUES (@id, @r, @u, @au, @k, @b, @n, @me, @a) ON CONFLICT (room_id, id) DO NOTHING", cancellationToken,
                    ("id", m.Id), ("r", m.RoomId), ("u", m.UserId), ("au", m.Author), ("k", (long)m.Kind), ("b", m.Body), ("n", m.Nonce),
                    ("me", string.Join(' ', m.Mentions)), ("a", Db.Ms(m.At))).ConfigureAwait(false);
                if (n > 0) stored.Add(m with { At = Db.At(Db.Ms(m.At)) });
            }
            return stored;
        }, cancellationToken);

    public Task<IReadOnlyList<ChatMessage>> SinceAsync(long roomId, long afterId, int node, bool ofNode, int limit, CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > 10_000) throw new ArgumentOutOfRangeException(nameof(limit), limit, "Ask for 1 to 10000 messages.");
        // The node is bits 12–21 of the id (SnowflakeIds); both databases shift and mask 64-bit integers alike.
        var test = ofNode ? "=" : "<>";
        return db.ReadAsync<IReadOnlyList<ChatMessage>>(async c => await c.QueryAsync(null,
            $"SELECT {Columns} FROM chat_messages WHERE room_id = @r AND id > @after AND ((id >> {SnowflakeIds.SequenceBits}) & {SnowflakeIds.MaxNode}) {test} @node ORDER BY id LIMIT @l",
            Map, cancellationToken, ("r", roomId), ("after", afterId), ("node", (long)node), ("l", (long)limit)).ConfigureAwait(false), cancellationToken);
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";

    private static ChatMessage Map(DbDataReader r)
    {
        var mentions = r.GetString(7);
        return new ChatMessage(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetString(3), (MessageKind)r.GetInt64(4), r.GetString(5),
            r.NullableString(6), mentions.Length == 0 ? [] : mentions.Split(' '), Db.At(r.GetInt64(8)));
    }
}

internal sealed class SqlEventLog(Database db) : IEventLog
{
    public Task AppendAsync(string kind, string? room, string? user, string detail, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.ExecuteAsync(t, "INSERT INTO system_events (at, kind, room, user_name, detail) VALUES (@a, @k, @r, @u, @d)", cancellationToken,
            ("a", Db.Ms(DateTimeOffset.UtcNow)), ("k", kind), ("r", room), ("u", user), ("d", detail)), cancellationToken);

    public Task<IReadOnlyList<SystemEvent>> QueryAsync(string? room, DateTimeOffset? since, int limit, CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > 100_000) throw new ArgumentOutOfRangeException(nameof(limit), limit, "Ask for 1 to 100000 events.");
        return db.ReadAsync<IReadOnlyList<SystemEvent>>(async c =>
        {
            // The room filter is added rather than written as "@r IS NULL OR …": PostgreSQL cannot type a bare null parameter.
            var rows = await c.QueryAsync(null,
                "SELECT id, at, kind, room, user_name, detail FROM system_events WHERE at >= @s" + (room is null ? "" : " AND room = @r") + " ORDER BY id DESC LIMIT @l",
                r => new SystemEvent(r.GetInt64(0), Db.At(r.GetInt64(1)), r.GetString(2), r.NullableString(3), r.NullableString(4), r.GetString(5)),
                cancellationToken, ("r", room), ("s", since is null ? 0L : Db.Ms(since.Value)), ("l", (long)limit)).ConfigureAwait(false);
            rows.Reverse();
            return rows;
        }, cancellationToken);
    }
}
