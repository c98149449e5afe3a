namespace MoodDJ.Storage.Sql;

/// <summary>Listening spells, summed per user and room by the database (one grouped scan of an index range).</summary>
internal sealed class SqlListeningLog(Database db) : IListeningLog
{
    public Task AppendAsync(ListeningRecord s, CancellationToken cancellationToken = default)
    {
        if (s.Heard < TimeSpan.Zero || s.Ended < s.Started)
            throw new ArgumentException($"A listening spell cannot end before it starts or last less than nothing ({s.Started:o} to {s.Ended:o}, {s.Heard}).");
        return db.WriteAsync((c, t) => c.ExecuteAsync(t,
            "INSERT INTO listening (user_name, user_key, room, started_at, ended_at, heard_ms) VALUES (@u, @k, @r, @s, @e, @h)", cancellationToken,
            ("u", s.User), ("k", Db.Key(s.User)), ("r", s.Room), ("s", Db.Ms(s.Started)), ("e", Db.Ms(s.Ended)), ("h", (long)s.Heard.TotalMilliseconds)), cancellationToken);
    }

    public Task<IReadOnlyList<ListeningTotal>> TotalsAsync(string? user, string? room, DateTimeOffset? since, CancellationToken cancellationToken = default) =>
        db.ReadAsync<IReadOnlyList<ListeningTotal>>(async c =>
            // Filters are added rather than written as "@u IS NULL OR …": PostgreSQL cannot type a bare null parameter.
            await c.QueryAsync(null,
                "SELECT MIN(user_name), room, CAST(SUM(heard_ms) AS BIGINT), COUNT(*), MAX(ended_at) FROM listening WHERE ended_at >= @s" +
                (user is null ? "" : " AND user_key = @k") + (room is null ? "" : " AND room = @r") +
                " GROUP BY user_key, room ORDER BY SUM(heard_ms) DESC, MIN(user_name), room",
                r => new ListeningTotal(r.GetString(0), r.GetString(1), TimeSpan.FromMilliseconds(r.GetInt64(2)), (int)r.GetInt64(3), Db.At(r.GetInt64(4))),
                cancellationToken, ("s", since is null ? 0L : Db.Ms(since.Value)), ("k", user is null ? null : Db.Key(user)), ("r", room)).ConfigureAwait(false),
            cancellationToken);
}
