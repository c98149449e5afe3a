using System.Diagnostics;
using System.Text;

namespace MoodDJ.Host.Tests.Support;

/// <summary>
/// A long-running program (a server, a player) started for a test: its output collected as it
/// comes, waited on by text, stopped with SIGTERM (then killed if it does not stop).
/// </summary>
public sealed class RunningProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _gate = new();
    private int _disposed;
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RunningProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static RunningProcess StartMooddj(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] args) =>
        Start("dotnet", workingDirectory, [Path.Combine(MooddjProcess.HostFolder, "mooddj.dll"), .. args], environment);

    /// <summary>mooddj (dotnet mooddj.dll) on a network-lab host: inside its namespace, with the usual test environment.</summary>
    public static RunningProcess StartMooddjOn(MoodDJ.Testing.LabHost host, string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var usual = MooddjProcess.StartInfo("dotnet", workingDirectory, [], environment);
        var info = host.StartInfo("dotnet", [Path.Combine(MooddjProcess.HostFolder, "mooddj.dll"), .. args]);
        info.WorkingDirectory = usual.WorkingDirectory;
        info.StandardOutputEncoding = info.StandardErrorEncoding = Encoding.UTF8;
        info.Environment.Clear();
        foreach (var (key, value) in usual.Environment) info.Environment[key] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start ip netns exec.");
        process.StandardInput.Close();
        return new RunningProcess(process);
    }

    public static RunningProcess Start(string program, string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var process = Process.Start(MooddjProcess.StartInfo(program, workingDirectory, args, environment))
            ?? throw new InvalidOperationException($"Could not start {program}.");
        process.StandardInput.Close();
        return new RunningProcess(process);
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string StdOut { get { lock (_gate) return _stdout.ToString(); } }

    public string StdErr { get { lock (_gate) return _stderr.ToString(); } }

    public override string ToString() => $"--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}";

    private void Append(StringBuilder target, string? line)
    {
        if (line is null) return;
        TaskCompletionSource signal;
        lock (_gate)
        {
            target.AppendLine(line);
            signal = _signal;
            _signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        signal.TrySetResult();
    }

    /// <summary>Waits until stdout or stderr contains <paramref name="text"/>; returns the matching line.</summary>
    public async Task<string> WaitForAsync(string text, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            Task next;
            lock (_gate) next = _signal.Task;
            foreach (var line in (StdOut + "\n" + StdErr).Split('\n'))
                if (line.Contains(text, StringComparison.Ordinal))
                    return line.TrimEnd('\r');
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || _process.HasExited)
            {
                if (_process.HasExited) await Task.Delay(200); // let the last lines arrive
                foreach (var line in (StdOut + "\n" + StdErr).Split('\n'))
                    if (line.Contains(text, StringComparison.Ordinal))
                        return line.TrimEnd('\r');
                throw new Xunit.Sdk.XunitException($"'{text}' did not appear{(_process.HasExited ? $" (exited {_process.ExitCode})" : "")}.\n{this}");
            }
            await Task.WhenAny(next, Task.Delay(left < TimeSpan.FromMilliseconds(500) ? left : TimeSpan.FromMilliseconds(500)));
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { throw new Xunit.Sdk.XunitException($"the process did not exit in {timeout}.\n{this}"); }
        return _process.ExitCode;
    }

    /// <summary>SIGTERM (a clean stop), then a kill after 10 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) await kill!.WaitForExitAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }
        _process.Dispose();
    }
}
