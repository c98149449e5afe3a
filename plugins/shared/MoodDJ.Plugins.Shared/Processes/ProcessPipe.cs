namespace MoodDJ.Plugins.Shared.Processes;

/// <summary>Copies one program's output into another's input (`a | b` without a shell).</summary>
public static class ProcessPipe
{
    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="target"/>'s standard input until the
    /// source ends, then closes that input so the target finishes (ffmpeg never exits otherwise).
    /// A target that stops reading early (broken pipe) ends the copy quietly.
    /// </summary>
    public static async Task PumpAsync(Stream source, RunningProcess target, CancellationToken cancellationToken = default)
    {
        var input = target.StandardInput
            ?? throw new InvalidOperationException($"{target.Command.TargetPath} was started without standard input; use WithStandardInput().");
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int n;
            while ((n = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                await input.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // broken pipe: the reader is gone; its own exit code tells the story
        }
        catch (ObjectDisposedException)
        {
            // the target was stopped while we were copying
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            target.CloseStandardInput();
        }
    }
}
