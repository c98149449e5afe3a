using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MoodDJ.Plugins.Shared.Processes;

/// <summary>
/// A started program. Read its output from <see cref="StandardOutput"/>; standard error is pumped
/// in the background into <see cref="StderrTail"/>. Disposing kills the whole process tree if it is
/// still running and waits for it to exit, so nothing is left behind.
/// </summary>
public sealed class RunningProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StderrTail _stderr;
    private readonly Task _stderrPump;
    private int _killed;

    internal RunningProcess(ProcessCommand command, Process process)
    {
        Command = command;
        _process = process;
        Id = process.Id;
        _stderr = new StderrTail(command.StderrTailChars);
        _stderrPump = Task.Run(PumpStderrAsync);
        if (command.StandardInput)
            StandardInput = process.StandardInput.BaseStream;
        else
            process.StandardInput.Close(); // the program sees end of input at once, never our console
    }

    public ProcessCommand Command { get; }

    public int Id { get; }

    public Stream StandardOutput => _process.StandardOutput.BaseStream;

    /// <summary>The program's input, when the command asked for it (<see cref="ProcessCommand.WithStandardInput"/>).</summary>
    public Stream? StandardInput { get; }

    public string StderrTail => _stderr.ToString();

    public bool HasExited => _process.HasExited;

    /// <summary>True once this wrapper killed the program (its exit code then says nothing about the input).</summary>
    public bool WasKilled => Volatile.Read(ref _killed) != 0;

    /// <summary>Waits for the program to exit and for its standard error to be drained; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken = default)
    {
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        await _stderrPump.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>Waits for exit and throws <see cref="ProcessCommandException"/> unless the exit code is 0.</summary>
    public async Task EnsureSuccessAsync(CancellationToken cancellationToken = default)
    {
        var code = await WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (code != 0)
            throw new ProcessCommandException(Command, code, StderrTail, WasKilled ? "was stopped" : null);
    }

    /// <summary>Forceful: kills the program and all its descendants, then waits until it has exited (reaped).</summary>
    public async Task KillAsync()
    {
        Interlocked.Exchange(ref _killed, 1);
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // it exited between the check and the kill
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // already gone
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Path.GetFileName(Command.TargetPath)} (pid {Id}) did not exit 10 s after being killed.");
        }
    }

    /// <summary>
    /// Graceful: closes the program's input and asks it to stop (SIGTERM), then kills the tree if it
    /// has not exited within <paramref name="grace"/>. Returns the exit code.
    /// </summary>
    public async Task<int> CloseAsync(TimeSpan grace)
    {
        CloseStandardInput();
        if (!_process.HasExited && (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
            _ = SysKill(Id, SigTerm);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await KillAsync().ConfigureAwait(false);
        }
        return _process.ExitCode;
    }

    /// <summary>Closes the program's input (an ffmpeg reading a pipe then finishes); a broken pipe is ignored.</summary>
    public void CloseStandardInput()
    {
        try
        {
            StandardInput?.Dispose();
        }
        catch (IOException)
        {
            // the program already closed its end
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            await KillAsync().ConfigureAwait(false);
        else
            await _process.WaitForExitAsync().ConfigureAwait(false);
        CloseStandardInput();
        try
        {
            await _stderrPump.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // a grandchild still holds stderr open; the tail is complete enough
        }
        _process.Dispose();
    }

    private async Task PumpStderrAsync()
    {
        var buffer = new char[1024];
        try
        {
            var reader = _process.StandardError;
            int n;
            while ((n = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
                _stderr.Append(buffer.AsSpan(0, n));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // the stream closed under us when the process was disposed
        }
    }

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);
}
