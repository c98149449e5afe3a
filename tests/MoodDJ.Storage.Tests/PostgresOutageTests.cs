using System.Diagnostics;

namespace MoodDJ.Storage.Tests;

/// <summary>
/// A PostgreSQL that goes away and comes back, on a cluster of the test's own: a write fails clearly
/// after the write wait, or waits and lands when the database returns; nothing acknowledged is lost.
/// </summary>
public sealed class PostgresOutageTests
{
    [PostgresFact]
    public async Task Writes_fail_clearly_while_the_database_is_down_and_nothing_acknowledged_is_lost()
    {
        await using var server = await PostgresServer.StartPrivateAsync();
        var options = new StorageOptions { Provider = StorageOptions.Postgres, ConnectionString = await server.CreateDatabaseAsync(), WriteWaitSeconds = 2 };
        await using var store = await SqlStore.OpenAsync(options);
        var user = (await store.Users.TryCreateAsync("dj", [1], [2], 600_000))!;
        var room = (await store.Rooms.TryCreateAsync("live", user.Id, true))!;
        var ids = new SnowflakeIds(3);
        var acknowledged = new List<long>();
        for (var i = 0; i < 20; i++)
            acknowledged.Add((await store.Messages.AppendAsync(Msg(ids, room, user, $"before {i}"), TimeSpan.FromMinutes(30))).Message.Id);

        await server.StopAsync();
        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<StorageUnavailableException>(() => store.Messages.AppendAsync(Msg(ids, room, user, "while down"), TimeSpan.FromMinutes(30)));
        Assert.InRange(clock.Elapsed.TotalSeconds, 1, 30);
        Assert.Contains("postgresql database is unreachable", ex.Message);
        Assert.Contains("not stored", ex.Message);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.Messages.HistoryAsync(room.Id, null, 10));

        await server.StartAsync();
        acknowledged.Add((await store.Messages.AppendAsync(Msg(ids, room, user, "after"), TimeSpan.FromMinutes(30))).Message.Id);
        var history = await store.Messages.HistoryAsync(room.Id, null, 100);
        Assert.Equal(acknowledged, history.Messages.Select(m => m.Id));
        Assert.DoesNotContain(history.Messages, m => m.Body == "while down");
    }

    [PostgresFact]
    public async Task A_write_waits_for_a_database_that_comes_back_within_the_wait_and_lands_once()
    {
        await using var server = await PostgresServer.StartPrivateAsync();
        var options = new StorageOptions { Provider = StorageOptions.Postgres, ConnectionString = await server.CreateDatabaseAsync(), WriteWaitSeconds = 60 };
        await using var store = await SqlStore.OpenAsync(options);
        var user = (await store.Users.TryCreateAsync("dj", [1], [2], 600_000))!;
        var room = (await store.Rooms.TryCreateAsync("live", user.Id, true))!;
        var ids = new SnowflakeIds(3);
        await store.Messages.AppendAsync(Msg(ids, room, user, "before", "a"), TimeSpan.FromMinutes(30));

        await server.StopAsync();
        var pending = store.Messages.AppendAsync(Msg(ids, room, user, "across the restart", "b"), TimeSpan.FromMinutes(30));
        await Task.Delay(1500);
        Assert.False(pending.IsCompleted, "the write should wait while the database is down");
        await server.StartAsync();
        var landed = await pending.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.False(landed.Duplicate);
        // The client repeats its send (it never knew whether the first got through): dropped by nonce.
        Assert.True((await store.Messages.AppendAsync(Msg(ids, room, user, "across the restart", "b"), TimeSpan.FromMinutes(30))).Duplicate);
        Assert.Equal(["before", "across the restart"], (await store.Messages.HistoryAsync(room.Id, null, 100)).Messages.Select(m => m.Body));
    }

    private static ChatMessage Msg(SnowflakeIds ids, RoomRecord room, UserRecord user, string body, string? nonce = null) =>
        new(ids.Next(), room.Id, user.Id, user.Name, MessageKind.Text, body, nonce ?? Guid.NewGuid().ToString("N"), [], DateTimeOffset.UtcNow);
}
