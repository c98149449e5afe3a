using System.Data.Common;

namespace MoodDJ.Storage.Tests;

/// <summary>
/// The storage contract, one test class run against both databases (<see cref="SqliteStoreTests"/>
/// and <see cref="PostgresStoreTests"/>): migrations, accounts, sessions, rooms, chat and the event log.
/// </summary>
public abstract class StoreContractTests : IAsyncLifetime
{
    protected IMoodDJStore Store { get; private set; } = null!;
    protected StorageOptions Options { get; private set; } = null!;

    protected abstract Task<StorageOptions> CreateOptionsAsync();
    /// <summary>Runs SQL on a connection of the test's own, beside the store.</summary>
    protected abstract Task<int> ExecuteRawAsync(string sql);

    public async Task InitializeAsync()
    {
        Options = await CreateOptionsAsync();
        Store = await SqlStore.OpenAsync(Options);
    }

    public async Task DisposeAsync() => await Store.DisposeAsync();

    public static readonly string[] Injections =
    [
        "'; DROP TABLE chat_messages; --",
        "Robert'); DROP TABLE users;--",
        "\" OR \"1\"=\"1",
        "1; DELETE FROM rooms WHERE 1=1",
        "$$; SELECT pg_sleep(5); $$",
        "x' UNION SELECT token_hash FROM sessions --",
    ];

    [Fact]
    public async Task Migrations_run_once_and_a_newer_database_is_refused()
    {
        Assert.Equal([1, 2, 3, 4], await Store.SchemaVersionsAsync());
        await using (var again = await SqlStore.OpenAsync(Options))
            Assert.Equal([1, 2, 3, 4], await again.SchemaVersionsAsync());
        await ExecuteRawAsync("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from the future', 0)");
        var ex = await Assert.ThrowsAsync<StorageSchemaException>(() => SqlStore.OpenAsync(Options));
        Assert.Contains("999", ex.Message);
    }

    [Fact]
    public async Task A_closed_store_refuses_reads_and_writes_at_once_and_closes_twice_quietly()
    {
        var store = await SqlStore.OpenAsync(Options);
        Assert.NotNull(await store.Users.TryCreateAsync("closing", [1], [2], 1));
        await store.DisposeAsync();
        await store.DisposeAsync();
        // Before, a write after the close waited forever for the write gate the close had kept.
        var write = store.Users.TryCreateAsync("after-close", [1], [2], 1);
        Assert.Same(write, await Task.WhenAny(write, Task.Delay(TimeSpan.FromSeconds(10))));
        var error = await Assert.ThrowsAsync<ObjectDisposedException>(() => write);
        Assert.Contains("closed", error.Message);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.Users.FindAsync("closing"));
        Assert.NotNull(await Store.Users.FindAsync("closing"));
    }

    [Fact]
    public async Task Servers_starting_together_on_a_new_database_migrate_it_once()
    {
        var fresh = await CreateOptionsAsync();
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => SqlStore.OpenAsync(fresh))));
        try
        {
            foreach (var store in stores) Assert.Equal([1, 2, 3, 4], await store.SchemaVersionsAsync());
        }
        finally
        {
            foreach (var store in stores) await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Users_are_unique_by_name_whatever_the_case()
    {
        var alice = await Store.Users.TryCreateAsync("Alice", [1, 2, 3], [4, 5, 6], 600_000);
        Assert.NotNull(alice);
        Assert.Null(await Store.Users.TryCreateAsync("alice", [9], [9], 600_000));
        var found = await Store.Users.FindAsync("ALICE");
        Assert.Equal(alice!.Id, found!.Id);
        Assert.Equal("Alice", found.Name);
        Assert.Equal(new byte[] { 1, 2, 3 }, found.Salt);
        Assert.Equal(new byte[] { 4, 5, 6 }, found.Hash);
        Assert.Equal(600_000, found.Iterations);
        Assert.Equal("Alice", (await Store.Users.FindAsync(alice.Id))!.Name);
        Assert.Null(await Store.Users.FindAsync("bob"));
    }

    [Fact]
    public async Task Sessions_are_found_revoked_and_expired()
    {
        var user = (await Store.Users.TryCreateAsync("carol", [1], [2], 600_000))!;
        var now = DateTimeOffset.UtcNow;
        byte[] live = [1, 1, 1], old = [2, 2, 2];
        await Store.Sessions.CreateAsync(new SessionRecord(live, user.Id, now, now.AddHours(1), false));
        await Store.Sessions.CreateAsync(new SessionRecord(old, user.Id, now.AddDays(-2), now.AddDays(-1), false));
        var found = await Store.Sessions.FindAsync(live);
        Assert.Equal(user.Id, found!.UserId);
        Assert.False(found.Revoked);
        Assert.True(await Store.Sessions.RevokeAsync(live));
        Assert.True((await Store.Sessions.FindAsync(live))!.Revoked);
        Assert.False(await Store.Sessions.RevokeAsync([9, 9]));
        Assert.Equal(1, await Store.Sessions.DeleteExpiredAsync(now));
        Assert.Null(await Store.Sessions.FindAsync(old));
    }

    [Fact]
    public async Task Rooms_have_unique_names_an_owner_and_roles()
    {
        var owner = (await Store.Users.TryCreateAsync("dave", [1], [2], 600_000))!;
        var other = (await Store.Users.TryCreateAsync("erin", [1], [2], 600_000))!;
        var room = await Store.Rooms.TryCreateAsync("Lounge", owner.Id, allowVisitors: false);
        Assert.NotNull(room);
        Assert.Null(await Store.Rooms.TryCreateAsync("LOUNGE", other.Id, true));
        await Store.Rooms.TryCreateAsync("attic", other.Id, true);
        Assert.Equal(["attic", "Lounge"], (await Store.Rooms.ListAsync()).Select(r => r.Name));
        Assert.Equal(RoomRole.Owner, await Store.Rooms.RoleAsync(room!.Id, owner.Id));
        Assert.Equal(RoomRole.Visitor, await Store.Rooms.RoleAsync(room.Id, other.Id));
        await Store.Rooms.SetRoleAsync(room.Id, other.Id, RoomRole.Member);
        Assert.Equal(RoomRole.Member, await Store.Rooms.RoleAsync(room.Id, other.Id));
        await Store.Rooms.SetRoleAsync(room.Id, owner.Id, RoomRole.Member);
        Assert.Equal(RoomRole.Owner, await Store.Rooms.RoleAsync(room.Id, owner.Id)); // the owner is never demoted
        Assert.False((await Store.Rooms.FindAsync("lounge"))!.AllowVisitors);
        await Store.Rooms.SetAllowVisitorsAsync(room.Id, true);
        Assert.True((await Store.Rooms.FindAsync("lounge"))!.AllowVisitors);
    }

    [Fact]
    public async Task History_pages_by_cursor_in_one_fixed_order()
    {
        var (user, room) = await UserAndRoomAsync();
        var ids = new SnowflakeIds(1);
        var sent = new List<long>();
        for (var i = 0; i < 250; i++)
        {
            var m = Message(ids, room.Id, user, $"message {i}", nonce: null);
            await Store.Messages.AppendAsync(m, TimeSpan.FromMinutes(30));
            sent.Add(m.Id);
        }
        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Store.Messages.HistoryAsync(room.Id, cursor, 100);
            Assert.True(page.Messages.Count <= 100);
            seen.InsertRange(0, page.Messages.Select(m => m.Id));
            cursor = page.Before;
            pages++;
        } while (cursor is not null);
        Assert.Equal(3, pages);
        Assert.Equal(sent, seen);
        var newest = await Store.Messages.HistoryAsync(room.Id, null, 5);
        Assert.Equal(["message 245", "message 246", "message 247", "message 248", "message 249"], newest.Messages.Select(m => m.Body));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.Messages.HistoryAsync(room.Id, "'; DROP TABLE chat_messages; --", 10));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.Messages.HistoryAsync(room.Id, null, 101));
    }

    [Fact]
    public async Task A_repeated_nonce_returns_the_first_message_within_the_window_only()
    {
        var (user, room) = await UserAndRoomAsync();
        var ids = new SnowflakeIds(1);
        var first = await Store.Messages.AppendAsync(Message(ids, room.Id, user, "hello", "n-1"), TimeSpan.FromMinutes(30));
        Assert.False(first.Duplicate);
        var repeat = await Store.Messages.AppendAsync(Message(ids, room.Id, user, "hello again", "n-1"), TimeSpan.FromMinutes(30));
        Assert.True(repeat.Duplicate);
        Assert.Equal(first.Message.Id, repeat.Message.Id);
        Assert.Equal("hello", repeat.Message.Body);
        // Past the window the nonce is free again (a message stamped 31 minutes later).
        var later = Message(ids, room.Id, user, "much later", "n-1") with { At = DateTimeOffset.UtcNow.AddMinutes(31) };
        Assert.False((await Store.Messages.AppendAsync(later, TimeSpan.FromMinutes(30))).Duplicate);
        Assert.Equal(2, (await Store.Messages.HistoryAsync(room.Id, null, 100)).Messages.Count);
        Assert.Equal(0, await Store.Messages.PruneNoncesAsync(DateTimeOffset.UtcNow.AddMinutes(-30)));
    }

    [Fact]
    public async Task Concurrent_sends_with_one_nonce_store_one_message()
    {
        var (user, room) = await UserAndRoomAsync();
        var ids = new SnowflakeIds(1);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => Store.Messages.AppendAsync(Message(ids, room.Id, user, "once", "same"), TimeSpan.FromMinutes(30)))));
        Assert.Single(results, r => !r.Duplicate);
        Assert.Single(results.Select(r => r.Message.Id).Distinct());
        Assert.Single((await Store.Messages.HistoryAsync(room.Id, null, 100)).Messages);
    }

    [Fact]
    public async Task Sql_injection_strings_are_stored_verbatim()
    {
        var ids = new SnowflakeIds(1);
        foreach (var text in Injections)
        {
            var user = (await Store.Users.TryCreateAsync(text, [1], [2], 600_000))!;
            Assert.Equal(text, (await Store.Users.FindAsync(text))!.Name);
            var room = (await Store.Rooms.TryCreateAsync(text, user.Id, true))!;
            Assert.Equal(text, (await Store.Rooms.FindAsync(text))!.Name);
            await Store.Messages.AppendAsync(Message(ids, room.Id, user, text, text), TimeSpan.FromMinutes(30));
            var stored = (await Store.Messages.HistoryAsync(room.Id, null, 10)).Messages.Single();
            Assert.Equal(text, stored.Body);
            Assert.Equal(text, stored.Nonce);
            await Store.Events.AppendAsync(text, text, text, text);
        }
        Assert.Equal(Injections.Length, (await Store.Rooms.ListAsync()).Count);
        Assert.Equal(Injections, (await Store.Events.QueryAsync(null, null, 100)).Select(e => e.Detail));
    }

    [Fact]
    public async Task The_event_log_is_queried_by_room_and_time_and_refuses_changes()
    {
        await Store.Events.AppendAsync(EventKinds.Login, null, "alice", "from 127.0.0.1");
        await Task.Delay(20); // times are kept to the millisecond: keep the mark out of the login's
        var mark = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        await Store.Events.AppendAsync(EventKinds.RoomCreated, "lounge", "alice", "visitors allowed");
        await Store.Events.AppendAsync(EventKinds.Mood, "attic", "bob", "happy");
        Assert.Equal(3, (await Store.Events.QueryAsync(null, null, 100)).Count);
        Assert.Equal([EventKinds.RoomCreated], (await Store.Events.QueryAsync("lounge", null, 100)).Select(e => e.Kind));
        Assert.Equal([EventKinds.RoomCreated, EventKinds.Mood], (await Store.Events.QueryAsync(null, mark, 100)).Select(e => e.Kind));
        Assert.Equal([EventKinds.Mood], (await Store.Events.QueryAsync(null, null, 1)).Select(e => e.Kind)); // the newest
        var update = await Assert.ThrowsAnyAsync<DbException>(() => ExecuteRawAsync("UPDATE system_events SET detail = 'forged'"));
        Assert.Contains("append-only", update.Message);
        await Assert.ThrowsAnyAsync<DbException>(() => ExecuteRawAsync("DELETE FROM system_events"));
        Assert.Equal(3, (await Store.Events.QueryAsync(null, null, 100)).Count);
    }

    [Fact]
    public async Task Listening_time_sums_per_user_and_room_and_refuses_changes()
    {
        var t0 = new DateTimeOffset(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);
        await Store.Listening.AppendAsync(new ListeningRecord("Alice", "Lounge", t0, t0.AddMinutes(10), TimeSpan.FromMinutes(9)));
        await Store.Listening.AppendAsync(new ListeningRecord("alice", "Lounge", t0.AddMinutes(20), t0.AddMinutes(25), TimeSpan.FromMinutes(5)));
        await Store.Listening.AppendAsync(new ListeningRecord("alice", "Attic", t0, t0.AddMinutes(1), TimeSpan.FromSeconds(30.5)));
        await Store.Listening.AppendAsync(new ListeningRecord("bob", "Lounge", t0, t0.AddHours(1), TimeSpan.FromHours(1)));
        await Store.Listening.AppendAsync(new ListeningRecord(Injections[0], Injections[1], t0, t0, TimeSpan.Zero));

        var all = await Store.Listening.TotalsAsync(null, null, null);
        Assert.Equal([("bob", "Lounge"), ("Alice", "Lounge"), ("alice", "Attic"), (Injections[0], Injections[1])], all.Select(t => (t.User, t.Room)));
        Assert.Equal((TimeSpan.FromMinutes(14), 2, t0.AddMinutes(25)), (all[1].Heard, all[1].Spells, all[1].Last));
        Assert.Equal(TimeSpan.FromSeconds(30.5), all[2].Heard);
        Assert.Equal(2, (await Store.Listening.TotalsAsync("ALICE", null, null)).Count); // users case-insensitively
        Assert.Equal(["bob", "Alice"], (await Store.Listening.TotalsAsync(null, "Lounge", null)).Select(t => t.User));
        // Since 6:11: the spells that ended then or later (bob's at 7:00, alice's second in the Lounge at 6:25).
        var late = await Store.Listening.TotalsAsync(null, null, t0.AddMinutes(11));
        Assert.Equal([("bob", 60.0, 1), ("alice", 5.0, 1)], late.Select(t => (t.User, t.Heard.TotalMinutes, t.Spells)));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.Listening.AppendAsync(new ListeningRecord("x", "y", t0, t0.AddSeconds(-1), TimeSpan.Zero)));
        await Assert.ThrowsAnyAsync<DbException>(() => ExecuteRawAsync("UPDATE listening SET heard_ms = 0"));
        await Assert.ThrowsAnyAsync<DbException>(() => ExecuteRawAsync("DELETE FROM listening"));
    }

    [Fact]
    public async Task Hosted_rooms_register_once_per_owner_and_synced_messages_are_stored_once_and_split_by_node()
    {
        var owner = (await Store.Users.TryCreateAsync("host", [1], [2], 600_000))!;
        var other = (await Store.Users.TryCreateAsync("other", [1], [2], 600_000))!;
        await Store.Rooms.TryCreateAsync("plain", owner.Id, true);
        var first = await Store.Hosted.RegisterAsync("Den", owner.Id, true, "127.0.0.1:1", 2, maxPerOwner: 1);
        Assert.Equal(HostedRegistrationOutcome.Registered, first.Outcome);
        Assert.Equal(HostedRegistrationOutcome.Updated, (await Store.Hosted.RegisterAsync("DEN", owner.Id, true, "127.0.0.1:2", 3, 1)).Outcome);
        Assert.Equal(("127.0.0.1:2", 3), ((await Store.Hosted.FindAsync(first.Room!.Id))!.HostEndPoint, (await Store.Hosted.FindAsync(first.Room.Id))!.HostNode));
        Assert.Equal(HostedRegistrationOutcome.OwnedByAnother, (await Store.Hosted.RegisterAsync("den", other.Id, true, "x:1", 4, 1)).Outcome);
        Assert.Equal(HostedRegistrationOutcome.NotHosted, (await Store.Hosted.RegisterAsync("plain", owner.Id, true, "x:1", 4, 1)).Outcome);
        Assert.Equal(HostedRegistrationOutcome.TooMany, (await Store.Hosted.RegisterAsync("second", owner.Id, true, "x:1", 4, 1)).Outcome);
        Assert.Null(await Store.Rooms.FindAsync("second"));
        Assert.Single(await Store.Hosted.ListAsync());

        var room = first.Room.Id;
        SnowflakeIds host = new(3), central = new(1);
        ChatMessage From(SnowflakeIds ids, string body) => new(ids.Next(), room, 0, "someone", MessageKind.Text, body, null, ["host"], DateTimeOffset.UtcNow);
        var batch = new[] { From(host, "h1"), From(central, "c1"), From(host, Injections[0]) };
        Assert.Equal(3, (await Store.Messages.ImportAsync(batch)).Count);
        Assert.Empty(await Store.Messages.ImportAsync(batch.Reverse().ToList())); // a repeat stores nothing
        Assert.Equal(["h1", Injections[0]], (await Store.Messages.SinceAsync(room, 0, 3, ofNode: true, 10)).Select(m => m.Body));
        Assert.Equal(["c1"], (await Store.Messages.SinceAsync(room, 0, 3, ofNode: false, 10)).Select(m => m.Body));
        Assert.Equal([Injections[0]], (await Store.Messages.SinceAsync(room, batch[0].Id, 3, ofNode: true, 10)).Select(m => m.Body));
        Assert.Equal(["host"], (await Store.Messages.HistoryAsync(room, null, 10)).Messages[0].Mentions);

        Assert.Equal(new SyncCursor(room, 0, 0), await Store.Hosted.CursorAsync(room));
        await Store.Hosted.SaveCursorAsync(new SyncCursor(room, 50, 0));
        await Store.Hosted.SaveCursorAsync(new SyncCursor(room, 40, 70)); // cursors never move back
        Assert.Equal(new SyncCursor(room, 50, 70), await Store.Hosted.CursorAsync(room));
    }

    protected async Task<(UserRecord, RoomRecord)> UserAndRoomAsync()
    {
        var user = (await Store.Users.TryCreateAsync("writer", [1], [2], 600_000))!;
        var room = (await Store.Rooms.TryCreateAsync("room", user.Id, true))!;
        return (user, room);
    }

    protected static ChatMessage Message(SnowflakeIds ids, long roomId, UserRecord user, string body, string? nonce) =>
        new(ids.Next(), roomId, user.Id, user.Name, MessageKind.Text, body, nonce, [], DateTimeOffset.UtcNow);
}
