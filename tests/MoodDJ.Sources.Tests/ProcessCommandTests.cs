using System.Diagnostics;
using MoodDJ.Plugins.Shared.Processes;

namespace MoodDJ.Sources.Tests;

public class ProcessCommandTests
{
    [Fact]
    public void With_methods_return_new_commands_and_leave_the_original_unchanged()
    {
        var a = new ProcessCommand("ffmpeg");
        var b = a.WithArguments("-i", "my file.wav").WithWorkingDirectory("/tmp").WithEnvironment("X", "1");
        Assert.Empty(a.Arguments);
        Assert.Null(a.WorkingDirectory);
        Assert.Empty(a.Environment);
        Assert.Equal(["-i", "my file.wav"], b.Arguments);
        Assert.Equal("/tmp", b.WorkingDirectory);
        Assert.Equal("ffmpeg -i 'my file.wav'", b.CommandLine);
    }

    [Fact(Timeout = 30000)]
    public async Task A_missing_executable_gives_a_clear_error_with_an_install_hint()
    {
        var command = new ProcessCommand("/nonexistent/bin/ffmpeg").WithArguments("-version");
        var e = Assert.Throws<ExecutableNotFoundException>(() => command.Start());
        Assert.Contains("apt-get install ffmpeg", e.Message);
        Assert.Contains("/nonexistent/bin/ffmpeg", e.CommandLine);
        Assert.Null(e.ExitCode);
        await Task.CompletedTask;
    }

    [Fact(Timeout = 30000)]
    public async Task A_failing_program_reports_its_exit_code_and_stderr_tail()
    {
        var command = new ProcessCommand("ffmpeg").WithArguments("-hide_banner", "-nostdin", "-i", "/nonexistent/input.wav", "-f", "null", "-");
        var e = await Assert.ThrowsAsync<ProcessCommandException>(() => command.ExecuteBufferedAsync());
        Assert.Equal(1, e.ExitCode);
        Assert.Contains("No such file or directory", e.StderrTail);
        Assert.Contains("/nonexistent/input.wav", e.CommandLine);
        Assert.Contains("ffmpeg exited with code 1", e.Message);
        Assert.Contains("apt-get install ffmpeg", e.Hint);
    }

    [Fact(Timeout = 30000)]
    public async Task The_stderr_tail_is_bounded_and_keeps_the_last_lines()
    {
        var command = new ProcessCommand("sh").WithArguments("-c", "for i in $(seq 1 3000); do echo line$i >&2; done; exit 3").WithStderrTail(1024);
        var e = await Assert.ThrowsAsync<ProcessCommandException>(() => command.ExecuteBufferedAsync());
        Assert.Equal(3, e.ExitCode);
        Assert.True(e.StderrTail.Length <= 1024, $"tail is {e.StderrTail.Length} chars");
        Assert.EndsWith("line3000\n", e.StderrTail);
        Assert.DoesNotContain("line1\n", e.StderrTail);
    }

    [Fact(Timeout = 30000)]
    public async Task Standard_output_is_a_stream_of_raw_pcm()
    {
        var command = new ProcessCommand("ffmpeg").WithArguments("-hide_banner", "-nostdin", "-loglevel", "error",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000:duration=1", "-f", "f32le", "-ac", "1", "-");
        await using var running = command.Start();
        var bytes = new MemoryStream();
        await running.StandardOutput.CopyToAsync(bytes);
        Assert.Equal(0, await running.WaitForExitAsync());
        Assert.Equal(8000 * sizeof(float), bytes.Length);
    }

    [Fact(Timeout = 30000)]
    public async Task A_pipe_into_ffmpeg_ends_when_the_source_ends_because_stdin_is_closed()
    {
        using var folder = new TempFolder();
        var wav = TestAudio.Sine(folder.File("a.wav"), seconds: 2);
        var ffmpeg = new ProcessCommand("ffmpeg").WithStandardInput()
            .WithArguments("-hide_banner", "-nostdin", "-loglevel", "error", "-i", "pipe:0", "-f", "f32le", "-ac", "1", "-ar", "8000", "-");
        await using var running = ffmpeg.Start();
        await using var file = File.OpenRead(wav);
        var pump = ProcessPipe.PumpAsync(file, running);
        var bytes = new MemoryStream();
        await running.StandardOutput.CopyToAsync(bytes);
        await pump;
        Assert.Equal(0, await running.WaitForExitAsync());
        Assert.Equal(2 * 8000 * sizeof(float), bytes.Length);
    }

    [Fact(Timeout = 30000)]
    public async Task Killing_stops_the_whole_process_tree_and_leaves_no_zombie()
    {
        var command = new ProcessCommand("sh").WithArguments("-c", "sleep 300 & echo $!; sleep 300");
        var running = command.Start();
        var childPid = running.Id;
        using var reader = new StreamReader(running.StandardOutput);
        var grandchildPid = int.Parse((await reader.ReadLineAsync())!);
        Assert.True(IsAlive(grandchildPid));

        await running.KillAsync();
        Assert.True(running.HasExited);
        Assert.True(running.WasKilled);
        await running.DisposeAsync();

        // The direct child was reaped (no /proc entry at all, not even a zombie).
        Assert.False(Directory.Exists($"/proc/{childPid}"), $"pid {childPid} still has a /proc entry");
        // The grandchild was killed too (an orphan may linger as a zombie until init reaps it, but never runs).
        await WaitUntil(() => !IsAlive(grandchildPid));
    }

    [Fact(Timeout = 30000)]
    public async Task Cancelling_a_run_kills_the_program_promptly()
    {
        var command = new ProcessCommand("sleep").WithArguments("300");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => command.ExecuteBufferedAsync(cancellationToken: cts.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20));
        Assert.Empty(ChildrenNamed("sleep"));
    }

    [Fact(Timeout = 30000)]
    public async Task A_graceful_close_asks_the_program_to_stop_before_killing_it()
    {
        await using var running = new ProcessCommand("sleep").WithArguments("300").Start();
        var code = await running.CloseAsync(TimeSpan.FromSeconds(10));
        Assert.True(running.HasExited);
        Assert.False(running.WasKilled); // SIGTERM was enough
        Assert.Equal(128 + 15, code);
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Our own child processes (any state, zombies included) with this command name.</summary>
    private static List<int> ChildrenNamed(string name)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText($"{dir}/stat");
                var comm = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
                if (parent == Environment.ProcessId && comm == name) found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return found;
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++) await Task.Delay(50);
        Assert.True(condition());
    }
}
