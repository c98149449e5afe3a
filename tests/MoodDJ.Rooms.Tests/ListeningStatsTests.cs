using System.Diagnostics;
using MoodDJ.Protocol;
using MoodDJ.Rooms.Stations;
using Xunit.Abstractions;

namespace MoodDJ.Rooms.Tests;

/// <summary>Listening time on a room's station, measured as a real listener hears it, into the store.</summary>
public sealed class ListeningStatsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Listening_time_adds_up_across_pause_resume_and_a_reconnect_and_leaves_the_pause_out()
    {
        await using var server = await RoomServerHarness.StartAsync();
        var alice = await server.ConnectAsync("alice's client");
        var login = await alice.SignUpAsync("alice");
        await alice.CallAsync(RoomMethods.RoomCreate, new { name = "Lounge", allowVisitors = true });
        await alice.CallAsync(RoomMethods.RoomJoin, new { room = "Lounge" });
        await alice.CallAsync(StationMethods.Prompt, new { text = "I feel calm and relaxed" });
        using var ear = RoomStationTests.Ear();
        var total = Stopwatch.StartNew();
        var subscription = await alice.CallAsync(StationMethods.Subscribe, new { port = RoomStationTests.PortOf(ear) });
        await Task.Delay(1500);

        var paused = Stopwatch.StartNew();
        await alice.CallAsync(StationMethods.Pause);
        await Task.Delay(1500);
        await alice.CallAsync(StationMethods.Resume);
        paused.Stop();
        await Task.Delay(1000);

        // The control connection drops; the listener plays on. The client comes back with its resume token,
        // logs in with its session token and rejoins (what StationClient's resume calls do).
        var resumeToken = alice.Client.LastHello.GetProperty("resumeToken").GetString();
        await alice.DisposeAsync();
        await using var again = await server.ConnectAsync("alice's client", sayHello: false);
        Assert.True((await again.CallAsync(StationMethods.Hello, new { client = "alice's client", resumeToken })).GetProperty("resumed").GetBoolean());
        await again.CallAsync(RoomMethods.Login, new { token = login.GetProperty("token").GetString() });
        await again.CallAsync(RoomMethods.RoomJoin, new { room = "Lounge" });
        await Task.Delay(1000);
        await again.CallAsync(StationMethods.Unsubscribe, new { token = subscription.GetProperty("token").GetString() });
        total.Stop();

        // A visitor listens a little too, and shows as one.
        await using var visitor = await server.ConnectAsync("visitor");
        await visitor.CallAsync(RoomMethods.RoomJoin, new { room = "Lounge" });
        using var visitorEar = RoomStationTests.Ear();
        await visitor.CallAsync(StationMethods.Subscribe, new { port = RoomStationTests.PortOf(visitorEar) });
        await Task.Delay(500);
        await visitor.CallAsync(RoomMethods.RoomLeave, new { room = "Lounge" }); // back to the default station: the room listener ends
        await server.Rooms.Meter!.FlushAsync();

        var totals = await server.Db.Store.Listening.TotalsAsync(null, "Lounge", null);
        var heard = Assert.Single(totals, t => t.User == "alice");
        Assert.Equal(1, heard.Spells);
        var expected = total.Elapsed - paused.Elapsed;
        output.WriteLine($"heard {heard.Heard.TotalSeconds:0.000} s; expected {expected.TotalSeconds:0.000} s ({total.Elapsed.TotalSeconds:0.000} s subscribed, {paused.Elapsed.TotalSeconds:0.000} s paused)");
        // Within a tick or two of the sampling, plus the calls' own time on a loaded machine.
        Assert.InRange(heard.Heard.TotalSeconds, expected.TotalSeconds - 0.8, expected.TotalSeconds + 0.8);
        Assert.True(heard.Heard < total.Elapsed - TimeSpan.FromSeconds(1), $"heard {heard.Heard} of {total.Elapsed}: the pause counted");
        var guest = Assert.Single(totals, t => t.User == ListeningMeter.Visitor);
        Assert.InRange(guest.Heard.TotalSeconds, 0.2, 3);
    }
}
