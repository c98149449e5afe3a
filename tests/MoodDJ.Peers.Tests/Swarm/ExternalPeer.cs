using System.Diagnostics;
using System.Text;

namespace MoodDJ.Peers.Tests.Swarm;

/// <summary>A BitTorrent program written by others (aria2c, libtorrent, opentracker) run for an interop test:
/// output collected, waited on by text, stopped with SIGTERM.</summary>
internal sealed class ExternalPeer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ExternalPeer(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static ExternalPeer Start(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args) info.ArgumentList.Add(arg);
        return new ExternalPeer(Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}"));
    }

    public string Output { get { lock (_output) return _output.ToString(); } }
    public bool HasExited => _process.HasExited;

    public async Task<string> WaitForAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            foreach (string line in Output.Split('\n'))
                if (line.Contains(text, StringComparison.Ordinal)) return line.Trim();
            if (DateTime.UtcNow > deadline || _process.HasExited)
                throw new Xunit.Sdk.XunitException($"'{text}' did not appear from {_process.StartInfo.FileName}{(_process.HasExited ? $" (exited {_process.ExitCode})" : "")}:\n{Output}");
            await Task.Delay(100);
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { throw new Xunit.Sdk.XunitException($"{_process.StartInfo.FileName} did not finish:\n{Output}"); }
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Process.Start("kill", ["-TERM", _process.Id.ToString()])?.WaitForExit();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { await _process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }
        _process.Dispose();
    }
}

/// <summary>Skips, with the reason, when a program an interop test runs is not installed.</summary>
internal sealed class RequiresProgramsFactAttribute : FactAttribute
{
    /// <summary>Stands for Debian's python3 with its libtorrent module.</summary>
    public const string LibTorrent = "python3-libtorrent";

    private static bool HasLibTorrent() =>
        File.Exists("/usr/bin/python3") && Directory.Exists("/usr/lib/python3/dist-packages")
        && Directory.GetFiles("/usr/lib/python3/dist-packages", "libtorrent*.so").Length > 0;

    public RequiresProgramsFactAttribute(params string[] programs)
    {
        string[] missing = programs.Where(p => p == LibTorrent ? !HasLibTorrent() : !File.Exists(p)).ToArray();
        if (missing.Length > 0)
            Skip = $"{string.Join(", ", missing)} not installed (test.sh installs aria2, opentracker and python3-libtorrent)";
    }
}
