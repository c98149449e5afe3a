using System.Text.Json;
using Microsoft.Extensions.Configuration;
using MoodDJ.Protocol;
using MoodDJ.Storage;
using static MoodDJ.Rooms.Tests.HostedRooms;

namespace MoodDJ.Rooms.Tests;

/// <summary>
/// What members present in a hosted room hear of a catch-up (docs/protocol.md, "Rooms hosted by their
/// users"): a small one message by message, a large one, even in small batches and in either direction,
/// as a few roomHistoryGrew notices; rooms:catchUpLiveMessages is read strictly.
/// </summary>
public sealed class HostedRoomCatchUpTests
{
    /// <summary>Registers the room at central with olivia in it at home and peter in the central copy; returns after the first sync, the link stopped.</summary>
    private static async Task<(RoomClient Olivia, RoomClient Peter)> SplitAsync(RoomServerHarness central, RoomServerHarness host, RoomsOptions hostOptions)
    {
        await using (var atCentral = await central.ConnectAsync("olivia at central", sayHello: false)) await atCentral.SignUpAsync("olivia");
        var peter = await central.ConnectAsync("peter at central", sayHello: false);
        await peter.SignUpAsync("peter");
        var olivia = await host.ConnectAsync("olivia at home", sayHello: false);
        await olivia.SignUpAsync("olivia");
        await olivia.CallAsync(RoomMethods.RoomCreate, new { name = Room, allowVisitors = true });
        await olivia.CallAsync(RoomMethods.RoomJoin, new { room = Room });
        await using (var link = new Link(host, hostOptions)) await link.Synced;
        await peter.CallAsync(RoomMethods.RoomJoin, new { room = Room });
        await Task.Delay(300); // peter's join reaches nobody at home (the link is down); let it settle
        olivia.TakeHeard();
        peter.TakeHeard();
        return (olivia, peter);
    }

    /// <summary>Writes <paramref name="count"/> texts straight into a store (as if written there while split), by its Snowflake node.</summary>
    private static async Task WriteAsync(RoomServerHarness side, int node, string author, int count)
    {
        var room = (await side.Db.Store.Rooms.FindAsync(Room))!;
        var ids = new SnowflakeIds(node);
        for (var i = 0; i < count; i++)
            await side.Db.Store.Messages.ImportAsync([new ChatMessage(ids.Next(), room.Id, 1, author, MessageKind.Text, $"{author} {i}", null, [], DateTimeOffset.UtcNow)]);
    }

    /// <summary>Collects what <paramref name="client"/> hears until it accounts for <paramref name="count"/> messages, then a little longer (nothing more may come).</summary>
    private static async Task<(List<JsonElement> Messages, List<JsonElement> Grew)> HearAsync(RoomClient client, int count)
    {
        var messages = new List<JsonElement>();
        var grew = new List<JsonElement>();
        void Take()
        {
            var (m, g) = client.TakeHeard();
            messages.AddRange(m);
            grew.AddRange(g);
        }
        await EventuallyAsync(() => { Take(); return Task.FromResult(messages.Count + grew.Sum(g => g.GetProperty("added").GetInt32()) >= count); },
            $"{count} messages are heard of");
        await Task.Delay(1500);
        Take();
        return (messages, grew);
    }

    [Fact]
    public async Task A_small_catch_up_is_shown_message_by_message()
    {
        await using var central = await RoomServerHarness.StartAsync(CentralOptions(), central: true);
        var hostOptions = HostOptions(central);
        await using var host = await RoomServerHarness.StartAsync(hostOptions);
        var (olivia, peter) = await SplitAsync(central, host, hostOptions);
        await using var _ = olivia;
        await using var __ = peter;
        await WriteAsync(central, 1, "peter", 5);
        await WriteAsync(host, 2, "olivia", 4);
        await using var link = new Link(host, hostOptions);
        await link.Synced;
        // 5 + peter's join pulled in batches of 3, under rooms:catchUpLiveMessages (20): each one as it is.
        var (atHome, grewAtHome) = await HearAsync(olivia, 6);
        Assert.Empty(grewAtHome);
        Assert.Equal(["peter joined", "peter 0", "peter 1", "peter 2", "peter 3", "peter 4"], atHome.Select(m => m.GetProperty("text").GetString()));
        var (atCentral, grewAtCentral) = await HearAsync(peter, 4);
        Assert.Empty(grewAtCentral);
        Assert.Equal(["olivia 0", "olivia 1", "olivia 2", "olivia 3"], atCentral.Select(m => m.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task A_large_catch_up_in_small_batches_is_told_as_few_notices_both_ways()
    {
        const int N = 150;
        await using var central = await RoomServerHarness.StartAsync(CentralOptions(), central: true);
        var hostOptions = HostOptions(central);
        await using var host = await RoomServerHarness.StartAsync(hostOptions);
        var (olivia, peter) = await SplitAsync(central, host, hostOptions);
        await using var _ = olivia;
        await using var __ = peter;
        await WriteAsync(central, 1, "peter", N);
        await WriteAsync(host, 2, "olivia", N);
        var started = DateTime.UtcNow;
        await using var link = new Link(host, hostOptions);
        await link.Synced;
        var seconds = (DateTime.UtcNow - started).TotalSeconds;
        // Batches of 3 (the host's rooms:syncBatch): at most 20 a second one by one, the rest in notices, at most one a second.
        foreach (var (who, client, count) in new[] { ("olivia at home", olivia, N + 1), ("peter at central", peter, N) })
        {
            var (messages, grew) = await HearAsync(client, count);
            var added = grew.Sum(g => g.GetProperty("added").GetInt32());
            Assert.True(messages.Count + added == count, $"{who}: {messages.Count} one by one + {added} in {grew.Count} notices, not {count}");
            Assert.NotEmpty(grew);
            Assert.InRange(grew.Count, 1, (int)seconds + 3);
            Assert.InRange(messages.Count, 0, 20 * ((int)seconds + 3));
            Assert.All(grew, g => Assert.True(long.Parse(g.GetProperty("firstId").GetString()!) <= long.Parse(g.GetProperty("lastId").GetString()!)));
        }
        Assert.True(olivia.Client.IsConnected && peter.Client.IsConnected);
    }

    [Fact]
    public async Task With_a_limit_of_zero_even_one_synced_message_is_a_notice()
    {
        await using var central = await RoomServerHarness.StartAsync(new RoomsOptions
        {
            Node = 1, MessageBurst = 1000, MessagesPerSecond = 1000, SyncBatch = 50, CatchUpLiveMessages = 0,
        }, central: true);
        var hostOptions = HostOptions(central);
        await using var host = await RoomServerHarness.StartAsync(hostOptions);
        var (olivia, peter) = await SplitAsync(central, host, hostOptions);
        await using var _ = olivia;
        await using var __ = peter;
        await using var link = new Link(host, hostOptions);
        await link.Synced;
        var said = await SayAsync(olivia, "one live message");
        var (messages, grew) = await HearAsync(peter, 1);
        Assert.Empty(messages);
        var notice = Assert.Single(grew);
        Assert.Equal((Room, 1), (notice.GetProperty("room").GetString(), notice.GetProperty("added").GetInt32()));
        var id = said.GetProperty("message").GetProperty("id").GetString();
        Assert.Equal((id, id), (notice.GetProperty("firstId").GetString(), notice.GetProperty("lastId").GetString()));
    }

    [Fact]
    public void The_live_limit_is_read_strictly()
    {
        static RoomsOptions Read(params (string Key, string Value)[] pairs) => RoomsSetup.Rooms(
            new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value))).Build());

        Assert.Equal(20, Read().CatchUpLiveMessages);
        Assert.Equal(0, Read(("rooms:catchUpLiveMessages", "0")).CatchUpLiveMessages);
        Assert.Equal(200, Read(("rooms:catchUpLiveMessages", "200")).CatchUpLiveMessages);
        foreach (var bad in new[] { "-1", "201" })
            Assert.Contains($"rooms:catchUpLiveMessages is {bad}; use 0", Assert.Throws<ArgumentException>(() => Read(("rooms:catchUpLiveMessages", bad))).Message);
        Assert.Contains("catchUpLiveMessages", Assert.ThrowsAny<Exception>(() => Read(("rooms:catchUpLiveMessages", "many"))).Message);
    }
}
