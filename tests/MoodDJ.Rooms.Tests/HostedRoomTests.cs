using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using MoodDJ.Protocol;
using MoodDJ.Rooms.Hosted;
using MoodDJ.Storage;

namespace MoodDJ.Rooms.Tests;

/// <summary>
/// Rooms hosted by their users (issue 12, item 7): a hosting server and a central server, both real
/// (127.0.0.1, SQLite in temp folders), joined by a real <see cref="CentralLink"/>. Waits poll with
/// generous timeouts: the machine is loaded.
/// </summary>
public sealed class HostedRoomTests
{
    private const string Room = "Olivia's den";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static RoomsOptions CentralOptions(int maxHosted = 3) =>
        new() { Node = 1, MessageBurst = 1000, MessagesPerSecond = 1000, MaxHostedRoomsPerUser = maxHosted, SyncBatch = 50 };

    private static RoomsOptions HostOptions(RoomServerHarness central) => new()
    {
        Node = 2,
        MessageBurst = 1000,
        MessagesPerSecond = 1000,
        // Small batches: the reconcile pages through several.
        SyncBatch = 3,
        Central = new Hosted.CentralOptions
        {
            Address = central.Server.ControlEndPoint.ToString()!,
            User = "olivia",
            Password = "olivia password",
            ReconnectMaxSeconds = 1,
        },
    };

    private sealed class Link : IAsyncDisposable
    {
        private readonly SemaphoreSlim _synced = new(0);

        public Link(RoomServerHarness host, RoomsOptions options)
        {
            Central = new CentralLink(host.Db.Store, options, host.Rooms, host.Engine.ControlTransport, host.Engine.Crypto, host.Server.ControlEndPoint);
            Central.Synced += room => { if (room == Room) _synced.Release(); };
            Central.Start();
        }

        public CentralLink Central { get; }

        /// <summary>The next reconcile of the room (one per connection).</summary>
        public Task Synced => _synced.WaitAsync(Patience).ContinueWith(t => Assert.True(t.Result, "the link did not sync the room in time"));

        public ValueTask DisposeAsync() => Central.DisposeAsync();
    }

    [Fact]
    public async Task A_user_hosted_room_is_registered_listed_its_history_synchronized_and_merged_after_a_split()
    {
        await using var central = await RoomServerHarness.StartAsync(CentralOptions(), central: true);
        var hostOptions = HostOptions(central);
        await using var host = await RoomServerHarness.StartAsync(hostOptions);
        await using var atCentral = await central.ConnectAsync("olivia at central", sayHello: false);
        await atCentral.SignUpAsync("olivia");
        await using var peter = await central.ConnectAsync("peter at central", sayHello: false);
        await peter.SignUpAsync("peter");
        await using var olivia = await host.ConnectAsync("olivia at home", sayHello: false);
        await olivia.SignUpAsync("olivia");
        await olivia.CallAsync(RoomMethods.RoomCreate, new { name = Room, allowVisitors = true });
        await olivia.CallAsync(RoomMethods.RoomJoin, new { room = Room });
        await SayAsync(olivia, "before the link 1");
        await SayAsync(olivia, "before the link 2");

        // Registered and listed, marked with its host, online.
        var link = new Link(host, hostOptions);
        await link.Synced;
        var listed = await ListedAsync(peter);
        Assert.Equal("olivia", listed.GetProperty("owner").GetString());
        Assert.Equal(host.Server.ControlEndPoint.ToString(), listed.GetProperty("host").GetString());
        Assert.True(listed.GetProperty("hostOnline").GetBoolean());

        // Its history synchronized: what was written before the link, and what follows, both ways.
        Assert.Equal(["olivia joined", "before the link 1", "before the link 2"], Texts(await HistoryAsync(peter)));
        await peter.CallAsync(RoomMethods.RoomJoin, new { room = Room });
        await SayAsync(peter, "hello from central");
        await SayAsync(olivia, "live from home");
        await EventuallyAsync(async () => Texts(await HistoryAsync(olivia)).Contains("hello from central"), "central's message reaches the host");
        await EventuallyAsync(async () => Texts(await HistoryAsync(peter)).Contains("live from home"), "the host's message reaches central");
        var heard = await olivia.NextMessageAsync(); // the host's own users hear what was written at central
        Assert.Equal("peter joined", heard.GetProperty("text").GetString());

        // A split: the link stops; both sides go on writing; the room stays listed, offline.
        await link.DisposeAsync();
        await EventuallyAsync(async () => !(await ListedAsync(peter)).GetProperty("hostOnline").GetBoolean(), "central marks the host offline");
        await SayAsync(olivia, "apart at home 1");
        await SayAsync(peter, "apart at central 1");
        await SayAsync(olivia, "apart at home 2");
        await SayAsync(peter, "apart at central 2");
        await SayAsync(olivia, "apart at home 3");
        Assert.DoesNotContain("apart at central 1", Texts(await HistoryAsync(olivia)));

        // They meet again: both have the union, in one order (by id, which is time), nothing lost or doubled.
        await using var again = new Link(host, hostOptions);
        await again.Synced;
        await EventuallyAsync(async () => (await HistoryAsync(peter)).Count == (await HistoryAsync(olivia)).Count, "both sides hold as many messages");
        var atHost = await HistoryAsync(olivia);
        var atCentralCopy = await HistoryAsync(peter);
        Assert.Equal(atHost.Select(m => m.Id), atCentralCopy.Select(m => m.Id));
        Assert.Equal(atHost.Select(m => m.Text), atCentralCopy.Select(m => m.Text));
        Assert.True(atHost.Select(m => long.Parse(m.Id)).Zip(atHost.Skip(1).Select(m => long.Parse(m.Id))).All(p => p.Second > p.First));
        Assert.Equal(atHost.Count, atHost.Select(m => m.Id).Distinct().Count());
        Assert.Equal(
            ["olivia joined", "before the link 1", "before the link 2", "peter joined", "hello from central", "live from home",
             "apart at home 1", "apart at central 1", "apart at home 2", "apart at central 2", "apart at home 3"],
            Texts(atHost));
        // Ids tell the origin: the host's node 2, central's node 1.
        Assert.All(atHost, m => Assert.Equal(m.Text.Contains("central") || m.Text == "peter joined" ? 1 : 2, SnowflakeIds.NodeOf(long.Parse(m.Id))));
        Assert.True((await ListedAsync(peter)).GetProperty("hostOnline").GetBoolean());

        // A room created while linked is listed at its owner's join, without a reconnect.
        await olivia.CallAsync(RoomMethods.RoomCreate, new { name = "Olivia's attic" });
        await olivia.CallAsync(RoomMethods.RoomJoin, new { room = "Olivia's attic" });
        await EventuallyAsync(async () => (await peter.CallAsync(RoomMethods.RoomList)).GetProperty("rooms").EnumerateArray()
            .Any(r => r.GetProperty("name").GetString() == "Olivia's attic" && r.GetProperty("hostOnline").GetBoolean()), "the new room is listed at central");
    }

    [Fact]
    public async Task A_hosted_room_stays_readable_at_the_central_server_after_its_host_stops_and_the_central_server_restarts()
    {
        var data = Directory.CreateTempSubdirectory("mooddj-central-").FullName;
        try
        {
            int port;
            string hostEndPoint;
            await using (var central = await RoomServerHarness.StartAsync(CentralOptions(), reopen: data, central: true))
            {
                port = ((IPEndPoint)central.Server.ControlEndPoint).Port;
                await using (var atCentral = await central.ConnectAsync("olivia at central", sayHello: false))
                    await atCentral.SignUpAsync("olivia");
                var hostOptions = HostOptions(central);
                await using var host = await RoomServerHarness.StartAsync(hostOptions);
                hostEndPoint = host.Server.ControlEndPoint.ToString()!;
                await using var olivia = await host.ConnectAsync("olivia at home", sayHello: false);
                await olivia.SignUpAsync("olivia");
                await olivia.CallAsync(RoomMethods.RoomCreate, new { name = Room, allowVisitors = true });
                await olivia.CallAsync(RoomMethods.RoomJoin, new { room = Room });
                for (var i = 1; i <= 7; i++) await SayAsync(olivia, $"kept {i}");
                await using var link = new Link(host, hostOptions);
                await link.Synced;
                await EventuallyAsync(async () => (await central.Db.Store.Messages.HistoryAsync((await central.Db.Store.Rooms.FindAsync(Room))!.Id, null, 100)).Messages.Count == 8,
                    "central holds the room's 8 messages");
            } // the host stops (link, then server), then the central server stops

            await using var restarted = await RoomServerHarness.StartAsync(CentralOptions(), reopen: data, controlPort: port, central: true);
            await using var visitor = await restarted.ConnectAsync("a visitor", sayHello: false);
            var listed = await ListedAsync(visitor);
            Assert.Equal(hostEndPoint, listed.GetProperty("host").GetString());
            Assert.False(listed.GetProperty("hostOnline").GetBoolean());
            Assert.Equal(["olivia joined", .. Enumerable.Range(1, 7).Select(i => $"kept {i}")], Texts(await HistoryAsync(visitor)));
            // Paged like any room's history.
            var page = await visitor.CallAsync(RoomMethods.RoomHistory, new { room = Room, limit = 3 });
            Assert.Equal(["kept 5", "kept 6", "kept 7"], page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()!));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task The_link_reconnects_after_the_central_server_restarts_and_a_backdated_outbox_message_merges_in_its_place()
    {
        var data = Directory.CreateTempSubdirectory("mooddj-central-").FullName;
        try
        {
            var first = await RoomServerHarness.StartAsync(CentralOptions(), reopen: data, central: true);
            var port = ((IPEndPoint)first.Server.ControlEndPoint).Port;
            await using (var atCentral = await first.ConnectAsync("olivia at central", sayHello: false))
                await atCentral.SignUpAsync("olivia");
            var hostOptions = HostOptions(first);
            await using var host = await RoomServerHarness.StartAsync(hostOptions);
            await using var olivia = await host.ConnectAsync("olivia at home", sayHello: false);
            await olivia.SignUpAsync("olivia");
            await olivia.CallAsync(RoomMethods.RoomCreate, new { name = Room, allowVisitors = true });
            await olivia.CallAsync(RoomMethods.RoomJoin, new { room = Room });
            var one = await SayAsync(olivia, "one");
            await using var link = new Link(host, hostOptions);
            await link.Synced;
            await SayAsync(olivia, "two");
            await EventuallyAsync(async () => await CentralTextsAsync(first) is [.., "two"], "'two' reaches central");

            await first.DisposeAsync();
            await EventuallyAsync(() => Task.FromResult(!link.Central.IsConnected), "the link notices central is gone");
            await SayAsync(olivia, "three");
            // Sent late from an outbox: it sorts where it was written, before the push cursor ('two').
            var writtenAt = one.GetProperty("message").GetProperty("at").GetDateTimeOffset().AddMilliseconds(1);
            await olivia.CallAsync(RoomMethods.RoomSay, new { room = Room, text = "written between one and two", nonce = "outbox-1", writtenAt });

            await using var second = await RoomServerHarness.StartAsync(CentralOptions(), reopen: data, controlPort: port, central: true);
            await link.Synced; // the link came back by itself
            string[] expected = ["olivia joined", "one", "written between one and two", "two", "three"];
            await EventuallyAsync(async () => (await CentralTextsAsync(second)).SequenceEqual(expected), "central holds the merged history");
            Assert.Equal(expected, Texts(await HistoryAsync(olivia)));
            await using var visitor = await second.ConnectAsync("a visitor", sayHello: false);
            Assert.Equal((await HistoryAsync(olivia)).Select(m => m.Id), (await HistoryAsync(visitor)).Select(m => m.Id));
            Assert.True((await ListedAsync(visitor)).GetProperty("hostOnline").GetBoolean());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task A_refused_login_stops_the_link_and_a_refused_room_does_not_hold_up_the_others()
    {
        await using var central = await RoomServerHarness.StartAsync(CentralOptions(), central: true);
        await using var atCentral = await central.ConnectAsync("olivia at central", sayHello: false);
        await atCentral.SignUpAsync("olivia");
        await atCentral.CallAsync(RoomMethods.RoomCreate, new { name = "Taken" }); // a room of the central server itself
        var hostOptions = HostOptions(central);
        await using var host = await RoomServerHarness.StartAsync(hostOptions);
        await using var olivia = await host.ConnectAsync("olivia at home", sayHello: false);
        await olivia.SignUpAsync("olivia");
        await olivia.CallAsync(RoomMethods.RoomCreate, new { name = "Taken" });
        await olivia.CallAsync(RoomMethods.RoomCreate, new { name = Room });
        await olivia.CallAsync(RoomMethods.RoomJoin, new { room = Room });

        // A wrong password: one attempt, then the link stops rather than lock the owner's account there.
        hostOptions.Central.Password = "not the password";
        var wrong = new Link(host, hostOptions);
        await wrong.Central.Stopped.WaitAsync(Patience);
        Assert.Contains("refused the login of 'olivia'", wrong.Central.LastError);
        Assert.Single(await central.Db.Store.Events.QueryAsync(null, null, 1000), e => e.Kind == EventKinds.LoginFailed);
        await wrong.DisposeAsync();

        // 'Taken' is refused (a room of the central server); the other room is listed and synced all the same.
        hostOptions.Central.Password = "olivia password";
        await using var link = new Link(host, hostOptions);
        await link.Synced;
        Assert.True((await ListedAsync(atCentral)).GetProperty("hostOnline").GetBoolean());
        Assert.Equal(["olivia joined"], await CentralTextsAsync(central));
        var taken = (await atCentral.CallAsync(RoomMethods.RoomList)).GetProperty("rooms").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "Taken");
        Assert.False(taken.TryGetProperty("host", out _));
    }

    private static async Task<List<string>> CentralTextsAsync(RoomServerHarness central)
    {
        var room = await central.Db.Store.Rooms.FindAsync(Room);
        return room is null ? [] : (await central.Db.Store.Messages.HistoryAsync(room.Id, null, 100)).Messages.Select(m => m.Body).ToList();
    }

    [Fact]
    public async Task Forged_registrations_and_bad_batches_are_refused_and_leave_central_storage_untouched()
    {
        await using var central = await RoomServerHarness.StartAsync(CentralOptions(maxHosted: 2), central: true);
        await using var olivia = await central.ConnectAsync("olivia", sayHello: false);
        await olivia.SignUpAsync("olivia");
        await olivia.CallAsync(HostedMethods.Register, new { room = Room, owner = "olivia", endPoint = "127.0.0.1:5001", node = 2 });
        await using var mallory = await central.ConnectAsync("mallory", sayHello: false);

        var anonymous = await RefusedAsync(mallory, HostedMethods.Register, new { room = "Mine", owner = "mallory", endPoint = "127.0.0.1:5002", node = 3 }, JsonRpcErrorCodes.Unauthorized);
        Assert.Contains("Log in", anonymous);
        await mallory.SignUpAsync("mallory");
        Assert.Contains("logged in as 'mallory'",
            await RefusedAsync(mallory, HostedMethods.Register, new { room = "Mine", owner = "olivia", endPoint = "127.0.0.1:5002", node = 3 }, RoomMethods.Forbidden));
        Assert.Contains("belongs to another user",
            await RefusedAsync(mallory, HostedMethods.Register, new { room = Room, owner = "mallory", endPoint = "127.0.0.1:5002", node = 3 }, RoomMethods.Forbidden));
        Assert.Contains("this server's own",
            await RefusedAsync(mallory, HostedMethods.Register, new { room = "Mine", owner = "mallory", endPoint = "127.0.0.1:5002", node = 1 }, JsonRpcErrorCodes.InvalidParams));
        Assert.Contains("host:port",
            await RefusedAsync(mallory, HostedMethods.Register, new { room = "Mine", owner = "mallory", endPoint = "'; DROP TABLE rooms; --", node = 3 }, JsonRpcErrorCodes.InvalidParams));
        await mallory.CallAsync(HostedMethods.Register, new { room = "Mine", owner = "mallory", endPoint = "127.0.0.1:5002", node = 3 });
        await mallory.CallAsync(HostedMethods.Register, new { room = "Mine too", owner = "mallory", endPoint = "127.0.0.1:5002", node = 3 });
        Assert.Contains("rooms:maxHostedRoomsPerUser",
            await RefusedAsync(mallory, HostedMethods.Register, new { room = "Mine three", owner = "mallory", endPoint = "127.0.0.1:5002", node = 3 }, RoomMethods.Forbidden));

        var ids = new SnowflakeIds(3);
        object Message(long id, string room = "Mine", string text = "hi") =>
            new { id = id.ToString(), room, author = "mallory", kind = "text", text, mentions = Array.Empty<string>(), at = DateTimeOffset.UtcNow };
        var good = Message(ids.Next(), text: "good");
        Assert.Contains("rooms:syncBatch", await RefusedAsync(mallory, HostedMethods.Push,
            new { room = "Mine", messages = Enumerable.Range(0, 51).Select(_ => Message(ids.Next())).ToArray() }, JsonRpcErrorCodes.InvalidParams));
        Assert.Contains("not by the sender's node 3", await RefusedAsync(mallory, HostedMethods.Push,
            new { room = "Mine", messages = new[] { good, Message(new SnowflakeIds(1).Next()) } }, JsonRpcErrorCodes.InvalidParams));
        Assert.Contains("claims room", await RefusedAsync(mallory, HostedMethods.Push,
            new { room = "Mine", messages = new[] { good, Message(ids.Next(), room: Room) } }, JsonRpcErrorCodes.InvalidParams));
        var future = (((long)(DateTimeOffset.UtcNow.AddDays(1) - SnowflakeIds.Epoch).TotalMilliseconds) << 22) | (3L << 12);
        Assert.Contains("in the future", await RefusedAsync(mallory, HostedMethods.Push,
            new { room = "Mine", messages = new[] { good, Message(future) } }, JsonRpcErrorCodes.InvalidParams));
        Assert.Contains("no valid id", await RefusedAsync(mallory, HostedMethods.Push,
            new { room = "Mine", messages = new[] { good, Message(-5) } }, JsonRpcErrorCodes.InvalidParams));
        Assert.Contains("not an array of messages", await RefusedAsync(mallory, HostedMethods.Push,
            new { room = "Mine", messages = new object[] { good, 42 } }, JsonRpcErrorCodes.InvalidParams));
        Assert.Contains("has not registered", await RefusedAsync(mallory, HostedMethods.Push,
            new { room = Room, messages = new[] { Message(ids.Next(), room: Room) } }, RoomMethods.Forbidden));
        Assert.Contains("has not registered", await RefusedAsync(mallory, HostedMethods.Pull, new { room = Room, after = "0" }, RoomMethods.Forbidden));

        // Nothing of the refused batches was stored; a good one is, once, however often it is sent.
        var store = central.Db.Store;
        var mine = (await store.Rooms.FindAsync("Mine"))!;
        Assert.Empty((await store.Messages.HistoryAsync(mine.Id, null, 100)).Messages);
        Assert.Empty((await store.Messages.HistoryAsync((await store.Rooms.FindAsync(Room))!.Id, null, 100)).Messages);
        var first = await mallory.CallAsync(HostedMethods.Push, new { room = "Mine", messages = new[] { good } });
        var repeat = await mallory.CallAsync(HostedMethods.Push, new { room = "Mine", messages = new[] { good } });
        Assert.Equal(1, first.GetProperty("stored").GetInt32());
        Assert.Equal(1, repeat.GetProperty("duplicates").GetInt32());
        Assert.Equal(["good"], (await store.Messages.HistoryAsync(mine.Id, null, 100)).Messages.Select(m => m.Body));
        // Listed, and hosted rooms of a user who logs out stop syncing at once.
        Assert.Contains((await mallory.CallAsync(RoomMethods.RoomList)).GetProperty("rooms").EnumerateArray(), r => r.GetProperty("name").GetString() == "Mine");
        await mallory.CallAsync(RoomMethods.Logout);
        await RefusedAsync(mallory, HostedMethods.Pull, new { room = "Mine", after = "0" }, RoomMethods.Forbidden);
    }

    [Fact]
    public void The_central_section_is_read_strictly_and_an_address_needs_an_account()
    {
        static RoomsOptions Read(params (string Key, string Value)[] pairs) => RoomsSetup.Rooms(
            new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value))).Build());

        var options = Read(("rooms:node", "7"), ("rooms:syncBatch", "20"), ("rooms:central:address", "central.example:5680"), ("rooms:central:user", "olivia"),
            ("rooms:central:password", "secret password"), ("rooms:central:rooms:0", "Den"));
        Assert.Equal(("central.example:5680", "olivia", 20), (options.Central.Address, options.Central.User, options.SyncBatch));
        Assert.Equal(["Den"], options.Central.Rooms);
        Assert.Contains("address", Assert.ThrowsAny<Exception>(() => Read(("rooms:central:adress", "x:1"))).Message);
        Assert.Contains("rooms:central:user", Assert.Throws<ArgumentException>(() => Read(("rooms:central:address", "x:1"))).Message);
        Assert.Contains("host:port", Assert.Throws<ArgumentException>(() => Read(("rooms:central:address", "no-port"), ("rooms:central:user", "u"), ("rooms:central:password", "p"))).Message);
        Assert.Contains("rooms:syncBatch", Assert.Throws<ArgumentException>(() => Read(("rooms:syncBatch", "0"))).Message);
    }

    private sealed record Line(string Id, string Text);

    private static Task<JsonElement> SayAsync(RoomClient client, string text) =>
        // 3 ms apart, so that messages of the two servers written in turn fall in distinct milliseconds and their order is the test's.
        Task.Delay(3).ContinueWith(_ => client.CallAsync(RoomMethods.RoomSay, new { room = Room, text, nonce = Guid.NewGuid().ToString("N") })).Unwrap();

    private static async Task<List<Line>> HistoryAsync(RoomClient client)
    {
        var page = await client.CallAsync(RoomMethods.RoomHistory, new { room = Room, limit = 100 });
        return page.GetProperty("messages").EnumerateArray()
            .Select(m => new Line(m.GetProperty("id").GetString()!, m.GetProperty("text").GetString()!)).ToList();
    }

    private static List<string> Texts(IEnumerable<Line> lines) => lines.Select(l => l.Text).ToList();

    private static async Task<JsonElement> ListedAsync(RoomClient client)
    {
        var rooms = (await client.CallAsync(RoomMethods.RoomList)).GetProperty("rooms").EnumerateArray().ToList();
        return Assert.Single(rooms, r => r.GetProperty("name").GetString() == Room);
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out after {Patience.TotalSeconds} s waiting until {what}.");
            await Task.Delay(50);
        }
    }

    private static async Task<string> RefusedAsync(RoomClient client, string method, object parameters, int code)
    {
        var e = await Assert.ThrowsAsync<JsonRpcException>(() => client.CallAsync(method, parameters));
        Assert.Equal(code, e.Code);
        return e.Message;
    }
}
