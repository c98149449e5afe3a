using MoodDJ.Host.Tests.Support;

namespace MoodDJ.Host.Tests;

/// <summary>`mooddj player` whose audio output fails: one line with the cause, no ghost listener, a non-zero exit.</summary>
public class PlayerFailureTests
{
    [Fact]
    public async Task A_player_whose_alsa_device_does_not_exist_says_so_in_one_line_leaves_the_station_and_fails()
    {
        using var temp = new TempFolder();
        var home = temp.File("home");
        await using var server = RunningProcess.StartMooddj(temp.Path, StationJoinTests.Home(home),
            ["server", .. StationJoinTests.LoopbackFreePorts, "--set", "station:listenerExpirySeconds=60"]);
        await server.WaitForAsync("mooddj player --join ");

        var result = await MooddjProcess.RunAsAsync(home, temp.Path, "player", "--output", "alsa", "--name", "nocard",
            "--set", "plugins:settings:alsa:device=mooddj-no-such-device", "--seconds", "30");

        Assert.True(result.ExitCode == 1, result.ToString());
        var line = Assert.Single(result.StdErr.Split('\n'), l => l.Contains("output failed", StringComparison.Ordinal));
        Assert.Contains("alsa output failed: ALSA device 'mooddj-no-such-device'", line);
        Assert.EndsWith("the player left the station.", line.TrimEnd());
        Assert.DoesNotContain("Exception", result.StdOut + result.StdErr);
        // It left at once (expiry is 60 s): the server saw it go.
        await server.WaitForAsync("listener nocard left (", TimeSpan.FromSeconds(10));
    }
}
