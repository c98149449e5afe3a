using Microsoft.Extensions.Configuration;
using MoodDJ.Protocol;
using MoodDJ.Storage;
using static MoodDJ.Rooms.Tests.HostedRooms;

namespace MoodDJ.Rooms.Tests;

/// <summary>Hosted rooms against bad input: forged registrations, bad batches, bad configuration.</summary>
public sealed class HostedRoomInputTests
{
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
    public async Task A_server_that_lists_no_hosted_rooms_says_so()
    {
        await using var central = await RoomServerHarness.StartAsync(CentralOptions(maxHosted: 0), central: true);
        await using var olivia = await central.ConnectAsync("olivia", sayHello: false);
        await olivia.SignUpAsync("olivia");
        Assert.Contains("rooms:maxHostedRoomsPerUser is 0",
            await RefusedAsync(olivia, HostedMethods.Register, new { room = Room, owner = "olivia", endPoint = "127.0.0.1:5001", node = 2 }, RoomMethods.Forbidden));
        Assert.Null(await central.Db.Store.Rooms.FindAsync(Room));
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
}
