using MoodDJ.Host.Tests.Support;

namespace MoodDJ.Host.Tests;

/// <summary>The room commands of `mooddj client` against a real `mooddj server`, then `mooddj log` over the same database.</summary>
public sealed class ClientRoomsTests
{
    [Fact]
    public async Task Two_users_register_meet_in_a_room_read_its_history_and_the_log_shows_it()
    {
        using var temp = new TempFolder();
        var home = temp.File("home");
        var db = temp.File("rooms.db");
        await using var server = RunningProcess.StartMooddj(temp.Path, StationJoinTests.Home(home),
            ["server", .. StationJoinTests.LoopbackFreePorts, "--set", $"storage:path={db}"]);
        await server.WaitForAsync("mooddj player --join ");

        var alice = await ClientAsync(temp, home,
            "/register alice alice-password\n/login alice alice-password\n/create lounge visitors\n/join lounge\n/say hello @bob, welcome\n/who\n/say\n/create lounge\n/away\n/who\n/online\n");
        Assert.Contains("registered alice", alice);
        Assert.Contains("logged in as alice", alice);
        Assert.Contains("created lounge", alice);
        Assert.Contains("in lounge as member", alice.Replace("owner", "member"));
        Assert.Contains("alice: hello @bob, welcome", alice);
        Assert.Contains("in lounge (0 listening): alice (owner)", alice);
        Assert.Contains("/say needs words", alice);
        Assert.Contains("A room named 'lounge' exists", alice);
        Assert.Contains("you are away (others see: away)", alice);
        Assert.Contains("in lounge (0 listening): alice (owner, away)", alice);
        Assert.Contains("you are online (others see: online)", alice);

        var bob = await ClientAsync(temp, home, "/rooms\n/join nosuch\n/create hideout\n/join lounge\n/say sneaking in\n/register bob bob-password\n/login bob wrong-password\n/login bob bob-password\n/say hi alice\n/history 5\n");
        Assert.Contains("lounge (owner alice, 0 online, 0 listening, visitors welcome)", bob);
        // The server's refusals name no protocol method; the client adds its own commands.
        Assert.Contains("There is no room 'nosuch'. (/rooms lists them)", bob);
        Assert.Contains("Log in first. (/login <user> <password>, or /register first)", bob);
        Assert.Contains("in lounge as visitor", bob);
        Assert.Contains("alice: hello @bob, welcome", bob); // the history shown on joining
        Assert.Contains("Visitors read and listen; log in to write", bob);
        Assert.Contains("Wrong user name or password.", bob);
        Assert.Contains("Join 'lounge' first to write there.", bob); // logged in now, but joined as a visitor before
        Assert.DoesNotContain("   at ", bob + alice);

        var log = await MooddjProcess.RunAsAsync(home, temp.Path, "log", "--set", $"storage:path={db}");
        Assert.True(log.ExitCode == 0, log.ToString());
        foreach (var kind in new[] { "register  alice", "login  alice", "room-created  alice  lounge", "login-failed  bob" })
            Assert.Contains(kind, log.StdOut);
        Assert.DoesNotContain("bob-password", log.StdOut + log.StdErr + server.StdOut + server.StdErr);
        Assert.DoesNotContain("wrong-password", log.StdOut + log.StdErr + server.StdOut + server.StdErr);
    }

    private static async Task<string> ClientAsync(TempFolder temp, string home, string lines)
    {
        var script = "printf '%s' \"$1\" | { cat; sleep 2; printf '/quit\\n'; } | dotnet \"$0\" client";
        var result = await MooddjProcess.RunProgramAsync("bash", temp.Path, ["-c", script, Path.Combine(MooddjProcess.HostFolder, "mooddj.dll"), lines],
            new Dictionary<string, string?> { ["XDG_CONFIG_HOME"] = home, ["XDG_STATE_HOME"] = Path.Combine(home, "state") }, TimeSpan.FromSeconds(90));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(File.Exists(Path.Combine(home, "state", "mooddj", "outbox.jsonl")) && File.ReadAllText(Path.Combine(home, "state", "mooddj", "outbox.jsonl")).Length > 0,
            "nothing should wait in the outbox while the station is up");
        return result.StdOut;
    }
}
