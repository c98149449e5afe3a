using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using MoodDJ.Protocol;
using MoodDJ.Station;
using static MoodDJ.Station.Tests.Control.ControlTestKit;

namespace MoodDJ.Station.Tests.Control;

/// <summary>
/// `mooddj send` and `mooddj client` as real processes against a real control server (aead) whose
/// handler answers like a station with fixed, known replies.
/// </summary>
public sealed class ConsoleCommandTests
{
    [Fact]
    public async Task Send_prints_the_mood_reading_and_the_track_the_station_replies_with()
    {
        var handler = new StationLikeHandler();
        await using var server = await StartServerAsync(Aead(), handler);
        var port = ((IPEndPoint)server.LocalEndPoint).Port;

        var (exit, output, errors) = await RunAsync(["send", "I feel calm", "--server", $"127.0.0.1:{port}", .. KeyArgs()]);
        Assert.True(exit == 0, $"exit {exit}: {errors}");
        Assert.Contains("mood calm", output);
        Assert.Contains("valence +0.60", output);
        Assert.Contains("Quiet Lake — Tester (1:30)", output);
        Assert.Equal("I feel calm", handler.LastPrompt);
    }

    [Fact]
    public async Task Send_to_a_station_that_is_not_running_fails_with_one_clear_line()
    {
        var server = await StartServerAsync(Aead());
        var port = ((IPEndPoint)server.LocalEndPoint).Port;
        await server.DisposeAsync();
        var (exit, _, errors) = await RunAsync(["send", "hi", "--server", $"127.0.0.1:{port}", .. KeyArgs()]);
        Assert.Equal(1, exit);
        Assert.Contains("Cannot reach the station", errors);
        Assert.DoesNotContain("   at ", errors);
    }

    [Fact]
    public async Task Send_with_another_crypto_plugin_names_both_plugins_in_one_line()
    {
        await using var server = await StartServerAsync(Aead());
        var port = ((IPEndPoint)server.LocalEndPoint).Port;
        var (exit, _, errors) = await RunAsync(["send", "hi", "--server", $"127.0.0.1:{port}", "--set", "use:crypto=none"]);
        Assert.Equal(1, exit);
        Assert.Contains("mooddj: error: The station uses crypto 'aead' and this client 'none': set use:crypto to 'aead'.", errors);
        Assert.DoesNotContain("Exception", errors);
        await EventuallyAsync(() => server.Stats.Dropped(ControlDropReason.HandshakeFailed) == 1, "the station counts the mismatch");
    }

    [Fact]
    public async Task Client_runs_commands_shows_events_and_resumes_after_a_station_restart()
    {
        var first = new StationLikeHandler();
        var server = await StartServerAsync(Aead(), first);
        var endPoint = (IPEndPoint)server.LocalEndPoint;
        using var process = Start(["client", "--server", $"127.0.0.1:{endPoint.Port}", .. KeyArgs()]);
        var output = new StringBuilder();
        Collect(process, output);
        try
        {
            // The greeting names the station and the address it is at.
            await WaitForAsync(output, "connected to station '");
            await WaitForAsync(output, $"' at 127.0.0.1:{endPoint.Port} (protocol");
            await process.StandardInput.WriteLineAsync("I feel calm");
            await WaitForAsync(output, "Quiet Lake");
            await process.StandardInput.WriteLineAsync("/seek 1:30");
            await WaitForAsync(output, "at 1:30");
            Assert.Equal(90, first.LastSeek);
            await process.StandardInput.WriteLineAsync("/status");
            await WaitForAsync(output, "state playing");
            server.Broadcast("listenerCount", new { count = 7, max = 1024 });
            await WaitForAsync(output, "listeners: 7 of 1024");

            // The station restarts on the same port; the client comes back and restores the mood.
            await server.DisposeAsync();
            await WaitForAsync(output, "reconnecting");
            var second = new StationLikeHandler();
            server = await StartServerAsync(Aead(), second, Options(o => o with { EndPoint = endPoint }));
            await WaitForAsync(output, "reconnected");
            await EventuallyAsync(() => second.LastPrompt == "I feel calm", "the last prompt is sent again");
            await process.StandardInput.WriteLineAsync("/quit");
            Assert.True(await WaitForExitAsync(process), "the client exits on /quit");
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await server.DisposeAsync();
        }
    }

    private static string[] KeyArgs() => ["--set", $"station:key={Convert.ToBase64String(StationKey)}", "--set", "use:crypto=aead"];

    private static string MooddjPath()
    {
        // bin/<Configuration>/net10.0 of this test project → the host's output of the same configuration.
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testBin.Parent!.Name;
        var repo = testBin.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(repo, "hosts", "MoodDJ.Host.Console", "bin", configuration, testBin.Name, "mooddj.dll");
        Assert.True(File.Exists(path), $"mooddj.dll not found at {path}: the test project builds the host first (ProjectReference).");
        return path;
    }

    private static Process Start(string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(MooddjPath());
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        // The user's joined stations stay out of it (the key and address are given explicitly).
        info.Environment["XDG_CONFIG_HOME"] = Path.Combine(Path.GetTempPath(), "mooddj-console-tests-config");
        return Process.Start(info)!;
    }

    private static async Task<(int Exit, string Output, string Errors)> RunAsync(string[] args)
    {
        using var process = Start(args);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!await WaitForExitAsync(process))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"mooddj {string.Join(' ', args)} did not finish.");
        }
        return (process.ExitCode, await output, await errors);
    }

    private static async Task<bool> WaitForExitAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static void Collect(Process process, StringBuilder output)
    {
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine("[stderr] " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private static async Task WaitForAsync(StringBuilder output, string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            lock (output)
                if (output.ToString().Contains(text, StringComparison.Ordinal)) return;
            if (DateTime.UtcNow > deadline)
                lock (output) throw new TimeoutException($"'{text}' never appeared. Output so far:\n{output}");
            await Task.Delay(50);
        }
    }

    /// <summary>Answers like the station (hello, prompt, seek, status) with fixed replies, so the printed text is known.</summary>
    private sealed class StationLikeHandler : IControlHandler
    {
        private static readonly object Track = new { source = "test", id = "t1", title = "Quiet Lake", artist = "Tester", durationSeconds = 90.0 };
        private static readonly object Mood = new { label = "calm", valence = 0.6, arousal = -0.4, confidence = 0.8, evidence = new[] { new { text = "calm", note = "cue: calm" } } };

        public volatile string? LastPrompt;
        public double LastSeek = -1;

        public ValueTask<JsonElement?> HandleAsync(ControlSession session, string method, JsonElement parameters, CancellationToken cancellationToken)
        {
            object result = method switch
            {
                StationMethods.Hello => new { resumeToken = "tok", resumed = false, station = "MoodDJ", protocolVersion = 1, encrypted = true, listeners = 0 },
                StationMethods.Prompt => Prompt(parameters),
                StationMethods.Seek => Seek(parameters),
                StationMethods.Status => new { state = "playing", listeners = 1, codec = "L16", encrypted = true, nowPlaying = new { track = Track, mood = Mood, positionSeconds = 3.0, paused = false } },
                _ => throw JsonRpcException.MethodNotFound(method),
            };
            return ValueTask.FromResult<JsonElement?>(JsonSerializer.SerializeToElement(result));
        }

        private object Prompt(JsonElement parameters)
        {
            LastPrompt = parameters.GetProperty("text").GetString();
            return new { mood = Mood, track = Track };
        }

        private object Seek(JsonElement parameters)
        {
            LastSeek = parameters.GetProperty("position").GetDouble();
            return new { track = Track, mood = Mood, positionSeconds = LastSeek, paused = false };
        }
    }
}
