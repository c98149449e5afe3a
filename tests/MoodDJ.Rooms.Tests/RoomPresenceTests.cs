using System.Text.Json;
using MoodDJ.Protocol;
using MoodDJ.Station;

namespace MoodDJ.Rooms.Tests;

/// <summary>Online, away and invisible, and the listener counts the room list shows, over the real control server.</summary>
public sealed class RoomPresenceTests
{
    [Fact]
    public async Task Away_and_invisible_show_as_such_and_rooms_count_their_listeners()
    {
        await using var server = await RoomServerHarness.StartAsync();
        await using var alice = await server.ConnectAsync("alice");
        await using var bob = await server.ConnectAsync("bob");
        await using var carol = await server.ConnectAsync("carol");
        await alice.SignUpAsync("alice");
        await bob.SignUpAsync("bob");
        await carol.SignUpAsync("carol");
        await alice.CallAsync(RoomMethods.RoomCreate, new { name = "Lounge" });
        await alice.CallAsync(RoomMethods.RoomJoin, new { room = "Lounge" });
        await bob.CallAsync(RoomMethods.RoomJoin, new { room = "Lounge" });
        await carol.CallAsync(RoomMethods.RoomJoin, new { room = "Lounge" });
        await alice.NextMessageAsync(); // bob joined
        await alice.NextMessageAsync(); // carol joined

        var away = await bob.CallAsync(RoomMethods.PresenceSet, new { status = "away" });
        Assert.Equal("away", away.GetProperty("status").GetString());
        Assert.Equal(("bob", "away"), Pair(await alice.NextPresenceAsync()));
        Assert.Equal("away", Who(await alice.CallAsync(RoomMethods.RoomWho, new { room = "Lounge" }))["bob"]);

        // Invisible: the others see carol go offline, and she is in no list or count, yet still in the room.
        var hidden = await carol.CallAsync(RoomMethods.PresenceSet, new { status = "invisible" });
        Assert.Equal("offline", hidden.GetProperty("status").GetString());
        Assert.Equal(("carol", "offline"), Pair(await alice.NextPresenceAsync()));
        var who = Who(await alice.CallAsync(RoomMethods.RoomWho, new { room = "Lounge" }));
        Assert.Equal(["alice", "bob"], who.Keys.Order());
        Assert.Equal(2, Room(await alice.CallAsync(RoomMethods.RoomList), "Lounge").GetProperty("online").GetInt32());
        await carol.CallAsync(RoomMethods.RoomSay, new { room = "Lounge", text = "still here", nonce = "c-1" });
        Assert.Equal("still here", (await alice.NextMessageAsync()).GetProperty("text").GetString());
        // Leaving and coming back while invisible makes no notices.
        await carol.CallAsync(RoomMethods.RoomLeave, new { room = "Lounge" });
        await carol.CallAsync(RoomMethods.RoomJoin, new { room = "Lounge" });
        await alice.AssertQuietAsync(TimeSpan.FromMilliseconds(300));
        await carol.CallAsync(RoomMethods.PresenceSet, new { status = "online" });
        Assert.Equal(("carol", "online"), Pair(await alice.NextPresenceAsync()));

        // Listener counts: players on the room's station.
        using var aliceEar = RoomStationTests.Ear();
        using var bobEar = RoomStationTests.Ear();
        await alice.CallAsync(StationMethods.Subscribe, new { port = RoomStationTests.PortOf(aliceEar) });
        await bob.CallAsync(StationMethods.Subscribe, new { port = RoomStationTests.PortOf(bobEar) });
        Assert.Equal(2, Room(await carol.CallAsync(RoomMethods.RoomList), "Lounge").GetProperty("listeners").GetInt32());
        Assert.Equal(2, (await carol.CallAsync(RoomMethods.RoomWho, new { room = "Lounge" })).GetProperty("listeners").GetInt32());
        await bob.CallAsync(RoomMethods.RoomLeave, new { room = "Lounge" });
        Assert.Equal(1, Room(await carol.CallAsync(RoomMethods.RoomList), "Lounge").GetProperty("listeners").GetInt32());

        // Bad input: one clear line.
        foreach (var bad in new object[] { new { status = "busy" }, new { status = "1" }, new { status = "" } })
            Assert.Contains("must be online, away or invisible", (await RoomStationTests.Refused(JsonRpcErrorCodes.InvalidParams, () => bob.CallAsync(RoomMethods.PresenceSet, bad))).Message);
        await RoomStationTests.Refused(JsonRpcErrorCodes.InvalidParams, () => bob.CallAsync(RoomMethods.PresenceSet, new { }));
    }

    private static (string?, string?) Pair(JsonElement e) => (e.GetProperty("name").GetString(), e.GetProperty("status").GetString());

    private static Dictionary<string, string> Who(JsonElement who) =>
        who.GetProperty("online").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("status").GetString()!);

    private static JsonElement Room(JsonElement list, string name) =>
        list.GetProperty("rooms").EnumerateArray().Single(r => r.GetProperty("name").GetString() == name);
}
