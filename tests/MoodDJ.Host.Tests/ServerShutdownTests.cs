using MoodDJ.Host.Tests.Support;

namespace MoodDJ.Host.Tests;

/// <summary>
/// `mooddj server` stopped with SIGTERM while a user sits in a room. Its closing session stores the
/// room's "left" notice, so the control server must stop before the database closes; in the other
/// order the notice's write waited forever on the closed database and the server never exited.
/// </summary>
public sealed class ServerShutdownTests
{
    [Fact(Timeout = 240000)]
    public async Task A_server_with_a_user_in_a_room_stops_on_sigterm_and_keeps_the_left_notice()
    {
        using var temp = new TempFolder();
        var home = temp.File("home");
        var db = temp.File("rooms.db");
        string[] serverArgs = ["server", .. StationJoinTests.LoopbackFreePorts, "--set", $"storage:path={db}"];
        var server = RunningProcess.StartMooddj(temp.Path, StationJoinTests.Home(home), serverArgs);
        await using (server)
        {
            await server.WaitForAsync("mooddj player --join ");
            // The client stays connected (its input stays open) until the server goes away.
            await using var alice = StartClient(temp, home,
                "/register alice alice-password\n/login alice alice-password\n/create lounge\n/join lounge\n", holdOpenSeconds: 120);
            await alice.WaitForAsync("in lounge as", TimeSpan.FromSeconds(60));

            using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                await kill!.WaitForExitAsync();
            Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("stopping the station", server.StdOut);
        }

        await using var again = RunningProcess.StartMooddj(temp.Path, StationJoinTests.Home(home), serverArgs);
        await again.WaitForAsync("mooddj player --join ");
        await using var reader = StartClient(temp, home, "/login alice alice-password\n/join lounge\n/history 5\n", holdOpenSeconds: 3);
        Assert.Equal(0, await reader.WaitForExitAsync(TimeSpan.FromSeconds(90)));
        Assert.Contains("alice left", reader.StdOut);
    }

    private static RunningProcess StartClient(TempFolder temp, string home, string lines, int holdOpenSeconds)
    {
        // exec: the client itself gets the test's SIGTERM, not a shell that would leave it running.
        var script = $"exec dotnet \"$0\" client < <(printf '%s' \"$1\"; sleep {holdOpenSeconds}; printf '/quit\\n')";
        return RunningProcess.Start("bash", temp.Path, ["-c", script, Path.Combine(MooddjProcess.HostFolder, "mooddj.dll"), lines],
            new Dictionary<string, string?> { ["XDG_CONFIG_HOME"] = home, ["XDG_STATE_HOME"] = Path.Combine(home, "state") });
    }
}
