namespace MoodDJ.Plugins.Shared.Processes;

/// <summary>
/// An external program failed: carries the command line, the exit code (null when it never ran or
/// was stopped before exiting) and the tail of its standard error, plus a hint a user can act on.
/// </summary>
public class ProcessCommandException : Exception
{
    public ProcessCommandException(ProcessCommand command, int? exitCode, string stderrTail, string? reason = null, Exception? inner = null)
        : base(Describe(command, exitCode, stderrTail, reason), inner)
    {
        CommandLine = command.CommandLine;
        ExitCode = exitCode;
        StderrTail = stderrTail;
        Hint = ToolHints.For(command.TargetPath);
    }

    public string CommandLine { get; }
    public int? ExitCode { get; }
    public string StderrTail { get; }

    /// <summary>What to do about it (e.g. "install ffmpeg: apt-get install ffmpeg").</summary>
    public string Hint { get; }

    private static string Describe(ProcessCommand command, int? exitCode, string stderrTail, string? reason)
    {
        var tool = Path.GetFileName(command.TargetPath);
        var what = reason ?? (exitCode is { } code ? $"exited with code {code}" : "failed");
        var lastLines = string.Join(" | ", stderrTail.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
        return $"{tool} {what}" + (lastLines.Length > 0 ? $": {lastLines}" : "") + $" (command: {command.CommandLine})";
    }
}

/// <summary>The program does not exist or cannot be executed.</summary>
public sealed class ExecutableNotFoundException : ProcessCommandException
{
    public ExecutableNotFoundException(ProcessCommand command, Exception inner)
        : base(command, null, "", $"could not be started ({inner.Message}); {ToolHints.For(command.TargetPath)}", inner)
    {
    }
}

/// <summary>Install hints for the tools MoodDJ runs.</summary>
public static class ToolHints
{
    public static string For(string targetPath) => Path.GetFileNameWithoutExtension(targetPath).ToLowerInvariant() switch
    {
        "ffmpeg" or "ffprobe" => "ffmpeg not found or broken: install it (apt-get install ffmpeg) or set its path in the plugin settings",
        "yt-dlp" => "yt-dlp not found or broken: install it (apt-get install yt-dlp) or set its path in the plugin settings",
        var other => $"check that '{other}' is installed and on PATH, or give its full path",
    };
}
