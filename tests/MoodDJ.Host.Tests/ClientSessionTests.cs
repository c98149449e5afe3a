using MoodDJ.Host.Tests.Support;

namespace MoodDJ.Host.Tests;

/// <summary>`mooddj client` against a real server: replies a person can read, each track shown once, no raw log lines.</summary>
public class ClientSessionTests
{
    [Fact]
    public async Task Client_shows_each_track_once_skip_names_the_next_track_and_stop_says_stopped()
    {
        using var temp = new TempFolder();
        var home = temp.File("home");
        await using var server = RunningProcess.StartMooddj(temp.Path, StationJoinTests.Home(home), ["server", .. StationJoinTests.LoopbackFreePorts]);
        await server.WaitForAsync("mooddj player --join ");

        var script = "printf 'I feel happy\\n/skip\\n/stop\\n' | { cat; sleep 2; printf '/quit\\n'; } | dotnet \"$0\" client";
        var result = await MooddjProcess.RunProgramAsync("bash", temp.Path, ["-c", script, Path.Combine(MooddjProcess.HostFolder, "mooddj.dll")],
            StationJoinTests.Home(home), TimeSpan.FromSeconds(90));

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StdOut.Split('\n');
        var first = Assert.Single(lines, l => l.StartsWith("now playing ", StringComparison.Ordinal) && !l.Contains("nothing"));
        var skipped = Assert.Single(lines, l => l.StartsWith("skipped; now playing ", StringComparison.Ordinal));
        Assert.NotEqual(first["now playing ".Length..].Split(" (")[0], skipped["skipped; now playing ".Length..].Split(" (")[0]);
        Assert.Contains(lines, l => l.StartsWith("stopped", StringComparison.Ordinal));
        // The track the prompt started is not announced a second time by the station's event.
        var title = first["now playing ".Length..].Split(" (")[0];
        Assert.DoesNotContain(lines, l => l.StartsWith("♪ now playing " + title, StringComparison.Ordinal));
        Assert.DoesNotContain("warn:", result.StdOut + result.StdErr);
        Assert.DoesNotContain('\u001b', result.StdOut);
    }

    [Fact]
    public async Task A_player_shows_its_position_moving_and_a_seek_made_from_a_client()
    {
        using var temp = new TempFolder();
        var home = temp.File("home");
        await using var server = RunningProcess.StartMooddj(temp.Path, StationJoinTests.Home(home), ["server", .. StationJoinTests.LoopbackFreePorts]);
        await server.WaitForAsync("mooddj player --join ");
        Assert.Equal(0, (await MooddjProcess.RunAsAsync(home, temp.Path, "send", "I feel happy")).ExitCode);
        await using var player = RunningProcess.StartMooddj(temp.Path, StationJoinTests.Home(home), "player", "--output", "null", "--seconds", "40");
        await player.WaitForAsync(" at 0:0");

        var script = "printf '/seek 1:30\n' | { cat; sleep 1; printf '/quit\n'; } | dotnet \"$0\" client";
        var client = await MooddjProcess.RunProgramAsync("bash", temp.Path, ["-c", script, Path.Combine(MooddjProcess.HostFolder, "mooddj.dll")],
            StationJoinTests.Home(home), TimeSpan.FromSeconds(60));
        Assert.True(client.ExitCode == 0, client.ToString());
        Assert.Contains("at 1:30", client.StdOut);

        await player.WaitForAsync("seek to 1:3", TimeSpan.FromSeconds(20));
        await player.WaitForAsync(" at 1:3", TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Like_dislike_volume_and_mute_from_a_client_reach_the_station_and_the_named_player()
    {
        using var temp = new TempFolder();
        var home = temp.File("home");
        await using var server = RunningProcess.StartMooddj(temp.Path, StationJoinTests.Home(home),
            ["server", .. StationJoinTests.LoopbackFreePorts, "--set", "music:preferencesFile=none"]);
        await server.WaitForAsync("mooddj player --join ");
        await using var player = RunningProcess.StartMooddj(temp.Path, StationJoinTests.Home(home), "player", "--output", "null", "--name", "kitchen", "--seconds", "60");
        await server.WaitForAsync("listener kitchen joined from 127.0.0.1");

        var script = "printf 'I feel happy\n/like\n/dislike\n/volume kitchen 50\n/mute kitchen\n/volume nobody 10\n' | { cat; sleep 2; printf '/quit\n'; } | dotnet \"$0\" client";
        var result = await MooddjProcess.RunProgramAsync("bash", temp.Path, ["-c", script, Path.Combine(MooddjProcess.HostFolder, "mooddj.dll")],
            StationJoinTests.Home(home), TimeSpan.FromSeconds(90));

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StdOut.Split('\n');
        var first = Assert.Single(lines, l => l.StartsWith("now playing ", StringComparison.Ordinal) && !l.Contains("nothing"))["now playing ".Length..].Split(" (")[0];
        Assert.Contains(lines, l => l.StartsWith($"liked {first}", StringComparison.Ordinal) && l.Contains("for the happy mood"));
        var disliked = Assert.Single(lines, l => l.StartsWith($"disliked {first}", StringComparison.Ordinal));
        Assert.Contains("never again for the happy mood", disliked);
        Assert.DoesNotContain("now playing " + first + " ", disliked[disliked.IndexOf("now playing ", StringComparison.Ordinal)..] + " ");
        Assert.Contains("kitchen: volume 50 % (1 listener)", result.StdOut);
        Assert.Contains("kitchen: muted (1 listener)", result.StdOut);
        Assert.Contains("No listener is called 'nobody'", result.StdOut);

        await player.WaitForAsync("volume 50 %", TimeSpan.FromSeconds(20));
        await player.WaitForAsync("muted by the station (volume 50 %)", TimeSpan.FromSeconds(20));
    }
}
