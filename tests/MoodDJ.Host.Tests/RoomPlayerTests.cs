using MoodDJ.Host.Tests.Support;

namespace MoodDJ.Host.Tests;

/// <summary>`mooddj player --room R` against a real `mooddj server`: the player hears the room's own station.</summary>
public sealed class RoomPlayerTests
{
    [Fact]
    public async Task A_player_listens_to_a_room_with_the_clients_saved_login_and_a_stranger_is_turned_away()
    {
        using var temp = new TempFolder();
        var home = temp.File("home");
        var env = new Dictionary<string, string?> { ["XDG_CONFIG_HOME"] = home, ["XDG_STATE_HOME"] = Path.Combine(home, "state") };
        await using var server = RunningProcess.StartMooddj(temp.Path, env,
            ["server", .. StationJoinTests.LoopbackFreePorts, "--set", $"storage:path={temp.File("rooms.db")}", "--set", "music:preferencesFile=none"]);
        await server.WaitForAsync("mooddj player --join ");

        // The client logs in (saving its login), makes a members-only room and sets the room's mood.
        var script = "printf '%s' \"$1\" | { cat; sleep 2; printf '/quit\\n'; } | dotnet \"$0\" client";
        var client = await MooddjProcess.RunProgramAsync("bash", temp.Path, ["-c", script, Path.Combine(MooddjProcess.HostFolder, "mooddj.dll"),
            "/register alice alice-password\n/login alice alice-password\n/create lounge\n/join lounge\nI feel calm and relaxed\n"], env, TimeSpan.FromSeconds(90));
        Assert.True(client.ExitCode == 0, client.ToString());
        Assert.Contains("the room's own music plays here", client.StdOut);
        Assert.True(File.Exists(Path.Combine(home, "state", "mooddj", "room-login.json")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(home, "state", "mooddj", "room-login.json")));

        await using var player = RunningProcess.StartMooddj(temp.Path, env, "player", "--output", "null", "--room", "lounge", "--seconds", "40");
        await player.WaitForAsync("listening to room 'lounge' as owner");
        await player.WaitForAsync(" at 0:0", TimeSpan.FromSeconds(30)); // the room's music is playing to it

        // Someone with no saved login (the same station book, another state folder): the room lets only members in.
        var stranger = await MooddjProcess.RunProgramAsync("dotnet", temp.Path,
            [Path.Combine(MooddjProcess.HostFolder, "mooddj.dll"), "player", "--output", "null", "--room", "lounge", "--seconds", "5"],
            new Dictionary<string, string?> { ["XDG_CONFIG_HOME"] = home, ["XDG_STATE_HOME"] = temp.File("stranger") }, TimeSpan.FromSeconds(60));
        CommandLineTests.AssertCleanFailure(stranger, "Cannot listen to room 'lounge': The owner of 'lounge' lets only members in; log in to join.");
    }
}
