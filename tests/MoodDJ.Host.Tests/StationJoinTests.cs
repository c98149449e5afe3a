using System.Net;
using System.Net.Sockets;
using MoodDJ.Host.Tests.Support;

namespace MoodDJ.Host.Tests;

/// <summary>
/// The live station with no setup step, as separate `mooddj` processes, each "machine" with its
/// own user config folder: the server makes its key, prints the join line, and a player that
/// pastes it hears the music.
/// </summary>
public class StationJoinTests
{
    /// <summary>Loopback and free ports, so parallel tests and a real server never collide.</summary>
    internal static readonly string[] LoopbackFreePorts =
        ["--set", "station:bind=127.0.0.1", "--set", "station:controlPort=0", "--set", "station:streamPort=0", "--set", "station:heartbeatPort=0"];

    [Fact]
    public async Task A_fresh_server_makes_its_key_prints_a_join_line_and_a_player_that_pastes_it_hears_music()
    {
        using var temp = new TempFolder();
        var serverHome = temp.File("server-home");
        var playerHome = temp.File("player-home");
        await using var server = RunningProcess.StartMooddj(temp.Path, Home(serverHome), ["server", .. LoopbackFreePorts]);
        var joinLine = (await server.WaitForAsync("mooddj player --join ")).Trim();

        var keyFile = Path.Combine(serverHome, "mooddj", "station.key");
        Assert.True(File.Exists(keyFile), server.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));

        // On the server's machine, send needs no address and no key.
        var sent = await MooddjProcess.RunAsAsync(serverHome, temp.Path, "send", "I feel happy");
        Assert.True(sent.ExitCode == 0, sent + "\n" + server);
        Assert.Contains("mood happy", sent.StdOut);

        // Another machine pastes the line (plus where to put the audio).
        var args = joinLine.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray(); // drop "mooddj"
        var wav = temp.File("heard.wav");
        var player = await MooddjProcess.RunAsAsync(playerHome, temp.Path,
            [.. args, "--output", "wav", "--set", $"plugins:settings:outputs:wavPath={wav}", "--seconds", "6"]);
        Assert.True(player.ExitCode == 0, player + "\n" + server);
        WavLevel.AssertMusic(wav, player + "\n" + server);

        // That machine remembers the station: send works there with no arguments now.
        var again = await MooddjProcess.RunAsAsync(playerHome, temp.Path, "send", "I feel calm");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("mood calm", again.StdOut);

        // The server said what happened.
        // From the station's own listenerJoined/listenerLeft events, by the listener's name.
        await server.WaitForAsync("listener player ");
        await server.WaitForAsync("joined from 127.0.0.1");
        await server.WaitForAsync("left (it said goodbye) from 127.0.0.1");
        await server.WaitForAsync("prompt from 'send ");
        await server.WaitForAsync("mood calm (valence");
        await server.WaitForAsync("now playing ");
        Assert.DoesNotContain("dropped", server.StdOut + server.StdErr);
        Assert.DoesNotContain('\u001b', server.StdOut + server.StdErr + player.StdOut + player.StdErr);
    }

    [Fact]
    public async Task A_player_started_before_its_server_waits_for_it_and_then_plays()
    {
        using var temp = new TempFolder();
        var port = FreeTcpPort();
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var wav = temp.File("late.wav");
        await using var player = RunningProcess.StartMooddj(temp.Path, null, "player", "--server", $"127.0.0.1:{port}",
            "--set", $"station:key={key}", "--output", "wav", "--set", $"plugins:settings:outputs:wavPath={wav}", "--seconds", "45");
        await player.WaitForAsync("waiting for the station at 127.0.0.1:" + port);
        await Task.Delay(1500);

        await using var server = RunningProcess.StartMooddj(temp.Path, null, ["server", .. LoopbackFreePorts, "--set", $"station:controlPort={port}", "--set", $"station:key={key}"]);
        await server.WaitForAsync("mooddj player --join ");
        await player.WaitForAsync("connected to the station", TimeSpan.FromSeconds(30));
        var sent = await MooddjProcess.RunAsync(temp.Path, "send", "I feel happy", "--server", $"127.0.0.1:{port}", "--set", $"station:key={key}");
        Assert.True(sent.ExitCode == 0, sent.ToString());
        await server.WaitForAsync(" joined from 127.0.0.1");
        // The player reports its reception every 5 s; the server's 10 s egress line shows it.
        await server.WaitForAsync(": loss ", TimeSpan.FromSeconds(40));
        await player.DisposeAsync();
        WavLevel.AssertMusic(wav, player + "\n" + server);
    }

    [Fact]
    public async Task Two_players_on_one_machine_as_the_readme_shows_do_not_collide()
    {
        using var temp = new TempFolder();
        var home = temp.File("home");
        await using var server = RunningProcess.StartMooddj(temp.Path, Home(home), ["server", .. LoopbackFreePorts]);
        await server.WaitForAsync("mooddj player --join ");
        Assert.Equal(0, (await MooddjProcess.RunAsAsync(home, temp.Path, "send", "I feel happy")).ExitCode);

        var first = MooddjProcess.RunAsAsync(home, temp.Path, "player", "--output", "wav", "--seconds", "6");
        var second = MooddjProcess.RunAsAsync(home, temp.Path, "player", "--output", "wav", "--set", "plugins:settings:outputs:wavPath=second.wav", "--seconds", "6");
        var results = await Task.WhenAll(first, second);
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        WavLevel.AssertMusic(temp.File("player.wav"), results[0].ToString());
        WavLevel.AssertMusic(temp.File("second.wav"), results[1].ToString());
    }

    [Fact]
    public async Task A_player_of_a_station_with_no_music_says_the_cause_the_station_reports()
    {
        using var temp = new TempFolder();
        var home = temp.File("home");
        Directory.CreateDirectory(temp.File("music"));
        var empty = new[] { "--set", "use:musicSources:0=local", "--set", $"plugins:settings:local:folder={temp.File("music")}" };
        await using var server = RunningProcess.StartMooddj(temp.Path, Home(home), ["server", .. LoopbackFreePorts, .. empty]);
        await server.WaitForAsync("mooddj player --join ");
        await using var player = RunningProcess.StartMooddj(temp.Path, Home(home), "player", "--output", "null", "--seconds", "30");
        await player.WaitForAsync("nothing yet");
        var started = System.Diagnostics.Stopwatch.StartNew();
        await MooddjProcess.RunAsAsync(home, temp.Path, "send", "I feel calm");

        await player.WaitForAsync("the station says: ", TimeSpan.FromSeconds(15));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), started.Elapsed.ToString());
        await server.WaitForAsync("music: ");
    }

    internal static Dictionary<string, string?> Home(string path) => new() { ["XDG_CONFIG_HOME"] = path };

    internal static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Whether a WAV file holds music rather than silence.</summary>
internal static class WavLevel
{
    public static void AssertMusic(string path, string context)
    {
        Assert.True(File.Exists(path), $"{path} was not written.\n{context}");
        var wav = WavFile.Read(path);
        Assert.True(wav.Seconds >= 1, $"{path} holds only {wav.Seconds:0.00} s.\n{context}");
        double sum = 0;
        foreach (var s in wav.Samples) sum += s * s;
        var rms = Math.Sqrt(sum / wav.Samples.Length);
        Assert.True(rms > 0.01, $"{path} is silent (RMS {rms:0.0000}).\n{context}");
    }
}
