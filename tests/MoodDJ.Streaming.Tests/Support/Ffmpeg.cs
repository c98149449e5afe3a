using System.Diagnostics;

namespace MoodDJ.Streaming.Tests.Support;

/// <summary>Runs the real ffmpeg for interop tests; stderr is kept for the failure message.</summary>
internal sealed class Ffmpeg : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private Ffmpeg(string arguments)
    {
        var info = new ProcessStartInfo("ffmpeg", "-hide_banner -nostdin -loglevel error -y " + arguments)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _process = Process.Start(info) ?? throw new InvalidOperationException("ffmpeg did not start.");
        _stderr = _process.StandardError.ReadToEndAsync();
        _ = _process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
    }

    public static Ffmpeg Start(string arguments) => new(arguments);

    /// <summary>Runs ffmpeg to completion and fails the test when it exits non-zero.</summary>
    public static async Task RunAsync(string arguments, TimeSpan timeout)
    {
        await using var ffmpeg = Start(arguments);
        await ffmpeg.WaitAsync(timeout);
    }

    public async Task WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"ffmpeg did not finish within {timeout}: {await StderrSoFar()}");
        }
        var stderr = await _stderr;
        if (_process.ExitCode != 0)
            throw new InvalidOperationException($"ffmpeg exited with {_process.ExitCode}: {stderr}");
    }

    private async Task<string> StderrSoFar()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        return await _stderr;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
