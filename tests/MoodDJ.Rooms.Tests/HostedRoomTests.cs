using System.Net;
using System.Text.Json;
using MoodDJ.Protocol;
using MoodDJ.Storage;
using static MoodDJ.Rooms.Tests.HostedRooms;

namespace MoodDJ.Rooms.Tests;

/// <summary>
/// Rooms hosted by their users (issue 12, item 7): a hosting server and a central server, both real
/// (127.0.0.1, SQLite in temp folders), joined by a real <see cref="CentralLink"/>: registered, listed,
/// synchronized, split and merged, restarted.
/// </summary>
public sealed class HostedRoomTests
{
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
}
