using MoodDJ.Client;
using MoodDJ.Protocol;

namespace MoodDJ.Rooms.Tests;

/// <summary>A room login and the rooms joined come back after a reconnect the station resumes by token.</summary>
public sealed class RoomReconnectTests
{
    [Fact]
    public async Task After_a_resumed_reconnect_the_client_is_logged_in_and_in_its_room_again_and_keeps_listening()
    {
        await using var server = await RoomServerHarness.StartAsync();
        await using var alice = await server.ConnectAsync("alice's client", reconnect: true);
        await using var bob = await server.ConnectAsync("bob's client");
        var login = await alice.SignUpAsync("alice");
        await bob.SignUpAsync("bob");
        await alice.CallAsync(RoomMethods.RoomCreate, new { name = "Lounge" });
        await alice.CallAsync(RoomMethods.RoomJoin, new { room = "Lounge" });
        await bob.CallAsync(RoomMethods.RoomJoin, new { room = "Lounge" });
        // What `mooddj client` remembers (ClientRooms): replayed on every connection, resumed or not.
        alice.Client.SetResumeCall("rooms.login", RoomMethods.Login, new { token = login.GetProperty("token").GetString() }, everyConnection: true);
        alice.Client.SetResumeCall("rooms.join", RoomMethods.RoomJoin, new { room = "Lounge" }, everyConnection: true);
        alice.Client.SetResumeCall("prompt", StationMethods.Prompt, new { text = "I feel calm" }); // only for a station that forgot the client
        using var ear = RoomStationTests.Ear();
        await alice.CallAsync(StationMethods.Subscribe, new { port = RoomStationTests.PortOf(ear) });
        var roomId = (await server.Db.Store.Rooms.FindAsync("Lounge"))!.Id;
        var room = server.Rooms.Stations!.Running(roomId)!;
        Assert.Single(room.Listeners.Snapshot);

        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        alice.Client.StateChanged += (state, _) => { if (state == StationClientState.Connected) reconnected.TrySetResult(); };
        foreach (var session in server.Server.Control.Sessions)
            if (server.Rooms.Presence.Find(roomId, session)?.Name == "alice")
                session.Close("the test drops alice's connection");
        Assert.Equal("leave", (await bob.NextMessageAsync()).GetProperty("kind").GetString());
        await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(alice.Client.LastHello.GetProperty("resumed").GetBoolean());

        // The resume calls ran before Connected: alice is back in the room, logged in, on its station, and still listening.
        Assert.Equal("join", (await bob.NextMessageAsync()).GetProperty("kind").GetString());
        var said = await alice.CallAsync(RoomMethods.RoomSay, new { room = "Lounge", text = "back", nonce = "a-1" });
        Assert.Equal("alice", said.GetProperty("message").GetProperty("author").GetString());
        await alice.CallAsync(StationMethods.Prompt, new { text = "I am so happy and excited" }); // acts on the room's station
        Assert.NotNull(room.Mood);
        Assert.Single(room.Listeners.Snapshot);
        Assert.Null(server.Server.Default.Mood); // the prompt was not replayed: the station knew the client
    }
}
