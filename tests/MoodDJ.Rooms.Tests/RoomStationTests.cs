using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MoodDJ.Protocol;
using MoodDJ.Station;

namespace MoodDJ.Rooms.Tests;

/// <summary>Each room's own station behind the one control server, over real TCP control and real UDP streams.</summary>
public sealed class RoomStationTests
{
    [Fact]
    public async Task Two_rooms_play_their_own_moods_and_each_listener_gets_its_own_rooms_stream()
    {
        await using var server = await RoomServerHarness.StartAsync(new RoomsOptions { MaxRoomStations = 2 });
        await using var alice = await server.ConnectAsync("alice's client");
        await using var bob = await server.ConnectAsync("bob's client");
        await alice.SignUpAsync("alice");
        await bob.SignUpAsync("bob");
        await alice.CallAsync(RoomMethods.RoomCreate, new { name = "Calm", allowVisitors = true });
        await bob.CallAsync(RoomMethods.RoomCreate, new { name = "Party" });
        Assert.DoesNotContain(server.Server.Router.Ids, id => id.StartsWith("room-", StringComparison.Ordinal)); // lazily started

        var calmJoin = await alice.CallAsync(RoomMethods.RoomJoin, new { room = "Calm" });
        var partyJoin = await bob.CallAsync(RoomMethods.RoomJoin, new { room = "Party" });
        Assert.True(calmJoin.GetProperty("routed").GetBoolean());
        var calm = Station(server, calmJoin.GetProperty("station").GetString());
        var party = Station(server, partyJoin.GetProperty("station").GetString());
        Assert.NotEqual(calm.Ssrc, party.Ssrc);
        // A stranger naming a station that is not there is told of the server's stations, not of the rooms' ones.
        var unknown = await Assert.ThrowsAnyAsync<Exception>(() => server.ConnectAsync("a stranger", station: "nope"));
        Assert.Contains("default", unknown.Message);
        Assert.DoesNotContain("room-", unknown.Message);

        // Members set their own room's mood: the same method, two stations, two moods; the default station is untouched.
        var calmMood = await alice.CallAsync(StationMethods.Prompt, new { text = "I feel calm, sleepy and relaxed, a quiet peaceful evening" });
        var partyMood = await bob.CallAsync(StationMethods.Prompt, new { text = "I am so happy and excited, let's dance and party!" });
        Assert.NotEqual(MoodOf(calmMood), MoodOf(partyMood));
        Assert.Equal(MoodOf(calmMood), calm.Mood!.Label.ToString().ToLowerInvariant());
        Assert.Equal(MoodOf(partyMood), party.Mood!.Label.ToString().ToLowerInvariant());
        Assert.Null(server.Server.Default.Mood);

        // Each listener hears only its room's SSRC on its own UDP socket.
        using var aliceEar = Ear();
        using var bobEar = Ear();
        var aliceSub = await alice.CallAsync(StationMethods.Subscribe, new { port = PortOf(aliceEar) });
        var bobSub = await bob.CallAsync(StationMethods.Subscribe, new { port = PortOf(bobEar) });
        Assert.Equal(calm.Ssrc, aliceSub.GetProperty("ssrc").GetUInt32());
        Assert.Equal(party.Ssrc, bobSub.GetProperty("ssrc").GetUInt32());
        Assert.All(await HearAsync(aliceEar, 20), ssrc => Assert.Equal(calm.Ssrc, ssrc));
        Assert.All(await HearAsync(bobEar, 20), ssrc => Assert.Equal(party.Ssrc, ssrc));

        var rooms = (await alice.CallAsync(RoomMethods.RoomList)).GetProperty("rooms").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.Equal((1, calm.Id), (rooms["Calm"].GetProperty("listeners").GetInt32(), rooms["Calm"].GetProperty("station").GetString()));
        Assert.Equal(1, rooms["Party"].GetProperty("listeners").GetInt32());

        // A visitor listens to Calm but may not set its mood or skip; a member may skip but not pause everyone's music.
        await using var visitor = await server.ConnectAsync("a visitor");
        await visitor.CallAsync(RoomMethods.RoomJoin, new { room = "Calm" });
        using var visitorEar = Ear();
        Assert.Equal(calm.Ssrc, (await visitor.CallAsync(StationMethods.Subscribe, new { port = PortOf(visitorEar) })).GetProperty("ssrc").GetUInt32());
        Assert.Contains("Visitors of 'Calm' listen and read", (await Refused(RoomMethods.Forbidden, () => visitor.CallAsync(StationMethods.Prompt, new { text = "angry!" }))).Message);
        await Refused(RoomMethods.Forbidden, () => visitor.CallAsync(StationMethods.Skip));
        Assert.Equal(MoodOf(calmMood), calm.Mood!.Label.ToString().ToLowerInvariant());
        await bob.CallAsync(RoomMethods.RoomJoin, new { room = "Calm" }); // bob moves to Calm: his Party listener stops
        Assert.Equal(0, party.Listeners.Count);
        await bob.CallAsync(StationMethods.Skip);
        Assert.Contains("Only the owner of 'Calm'", (await Refused(RoomMethods.Forbidden, () => bob.CallAsync(StationMethods.Pause))).Message);
        await alice.CallAsync(StationMethods.Pause);
        await alice.CallAsync(StationMethods.Resume);

        // Nobody reaches a room's station without joining the room.
        var sneak = await Assert.ThrowsAnyAsync<Exception>(() => server.ConnectAsync("sneak", station: calm.Id));
        Assert.Contains("join the room", sneak.Message);

        // Leaving goes back to the default station and ends the room listener.
        await alice.CallAsync(RoomMethods.RoomLeave, new { room = "Calm" });
        Assert.DoesNotContain(calm.Listeners.Snapshot, l => l.Name == "alice's client");
        Assert.Equal(server.Server.Default.Ssrc, (await alice.CallAsync(StationMethods.Subscribe, new { port = PortOf(aliceEar) })).GetProperty("ssrc").GetUInt32());
    }

    [Fact]
    public async Task Running_room_stations_are_limited_and_an_idle_one_makes_way()
    {
        await using var server = await RoomServerHarness.StartAsync(new RoomsOptions { MaxRoomStations = 1 });
        await using var alice = await server.ConnectAsync("alice");
        await using var bob = await server.ConnectAsync("bob");
        await alice.SignUpAsync("alice");
        await bob.SignUpAsync("bob");
        await alice.CallAsync(RoomMethods.RoomCreate, new { name = "A" });
        await bob.CallAsync(RoomMethods.RoomCreate, new { name = "B" });
        var a = (await alice.CallAsync(RoomMethods.RoomJoin, new { room = "A" })).GetProperty("station").GetString()!;

        var busy = await Refused(JsonRpcErrorCodes.ServerFull, () => bob.CallAsync(RoomMethods.RoomJoin, new { room = "B" }));
        Assert.Contains("All 1 room stations are in use (rooms:maxRoomStations)", busy.Message);
        Assert.Empty((await bob.CallAsync(RoomMethods.RoomWho, new { room = "B" })).GetProperty("online").EnumerateArray()); // nothing half-joined

        await alice.CallAsync(RoomMethods.RoomLeave, new { room = "A" });
        var b = (await bob.CallAsync(RoomMethods.RoomJoin, new { room = "B" })).GetProperty("station").GetString()!;
        Assert.DoesNotContain(a, server.Server.Router.Ids);
        Assert.Contains(b, server.Server.Router.Ids);
        Assert.Equal(1, server.Rooms.Stations!.Count);

        // With no room stations at all, rooms still have chat.
        await using var chatOnly = await RoomServerHarness.StartAsync(new RoomsOptions { MaxRoomStations = 0 });
        await using var carol = await chatOnly.ConnectAsync("carol");
        await carol.SignUpAsync("carol");
        await carol.CallAsync(RoomMethods.RoomCreate, new { name = "Quiet" });
        Assert.Contains("rooms:maxRoomStations is 0", (await Refused(JsonRpcErrorCodes.ServerFull, () => carol.CallAsync(RoomMethods.RoomJoin, new { room = "Quiet" }))).Message);
        Assert.Throws<ArgumentException>(() => new RoomsOptions { MaxRoomStations = -1 }.Validate());
    }

    [Fact]
    public async Task A_room_station_nobody_uses_stops_after_the_idle_time_and_starts_again_on_the_next_join()
    {
        await using var server = await RoomServerHarness.StartAsync(new RoomsOptions { IdleStationSeconds = 1 });
        await using var alice = await server.ConnectAsync("alice");
        await alice.SignUpAsync("alice");
        await alice.CallAsync(RoomMethods.RoomCreate, new { name = "Lounge" });
        var first = (await alice.CallAsync(RoomMethods.RoomJoin, new { room = "Lounge" })).GetProperty("station").GetString()!;

        await Task.Delay(TimeSpan.FromSeconds(2.5));   // occupied: the sweep leaves it running
        Assert.Contains(first, server.Server.Router.Ids);

        await alice.CallAsync(RoomMethods.RoomLeave, new { room = "Lounge" });
        var stopped = System.Diagnostics.Stopwatch.StartNew();
        while (server.Server.Router.Ids.Contains(first) && stopped.Elapsed < TimeSpan.FromSeconds(30))
            await Task.Delay(100);
        Assert.DoesNotContain(first, server.Server.Router.Ids);
        Assert.True(stopped.Elapsed >= TimeSpan.FromSeconds(0.9), $"stopped after {stopped.Elapsed.TotalSeconds:F1} s, before the idle time");
        Assert.Equal(0, server.Rooms.Stations!.Count);

        var again = (await alice.CallAsync(RoomMethods.RoomJoin, new { room = "Lounge" })).GetProperty("station").GetString()!;
        Assert.Contains(again, server.Server.Router.Ids);
        Assert.Throws<ArgumentException>(() => new RoomsOptions { IdleStationSeconds = 0.5 }.Validate());
    }

    internal static LiveStation Station(RoomServerHarness server, string? id)
    {
        Assert.StartsWith("room-", id);
        Assert.True(server.Server.Router.TryResolve(id, out var station));
        return station!;
    }

    private static string MoodOf(JsonElement promptResult) => promptResult.GetProperty("mood").GetProperty("label").GetString()!.ToLowerInvariant();

    internal static Socket Ear()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    internal static int PortOf(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

    /// <summary>The SSRCs of the next <paramref name="count"/> RTP packets (the header is clear even under SRTP).</summary>
    internal static async Task<List<uint>> HearAsync(Socket socket, int count)
    {
        var buffer = new byte[2048];
        var ssrcs = new List<uint>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (ssrcs.Count < count)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (n >= 12 && buffer[0] >> 6 == 2 && (buffer[1] & 0x7f) < 72) ssrcs.Add(BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(8, 4)));
        }
        return ssrcs;
    }

    internal static async Task<JsonRpcException> Refused(int code, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<JsonRpcException>(call);
        Assert.Equal(code, e.Code);
        return e;
    }
}
