using System.Diagnostics;
using System.Text;

namespace MoodDJ.Crypto.Tests;

/// <summary>Runs a real program (ffmpeg, Debian's python3) for interop tests, draining its output.</summary>
internal sealed class ExternalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<byte[]> _stdout;
    private readonly Task<string> _stderr;

    private ExternalProcess(Process process)
    {
        _process = process;
        _stdout = ReadAllAsync(process.StandardOutput.BaseStream);
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public static ExternalProcess Start(string fileName, IEnumerable<string> arguments, string? stdin = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        if (stdin is not null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        return new ExternalProcess(process);
    }

    /// <summary>Waits for exit (generously); returns exit code, stdout bytes and stderr text.</summary>
    public async Task<(int ExitCode, byte[] Stdout, string Stderr)> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{_process.StartInfo.FileName} did not exit within {timeout.TotalSeconds} s. stderr: {await _stderr}");
        }
        return (_process.ExitCode, await _stdout, await _stderr);
    }

    public static async Task<string> RunTextAsync(string fileName, IEnumerable<string> arguments, string? stdin = null)
    {
        await using var process = Start(fileName, arguments, stdin);
        var (code, stdout, stderr) = await process.WaitAsync(TimeSpan.FromSeconds(60));
        if (code != 0) throw new InvalidOperationException($"{fileName} exited with {code}: {stderr}");
        return Encoding.UTF8.GetString(stdout);
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
