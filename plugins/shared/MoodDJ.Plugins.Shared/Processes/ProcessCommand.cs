using System.Collections.Immutable;
using System.ComponentModel;
using System.Diagnostics;

namespace MoodDJ.Plugins.Shared.Processes;

/// <summary>
/// An external program to run (ffmpeg, ffprobe, yt-dlp), immutable: every <c>With…</c> returns a new
/// command. Arguments go to the program as a list (no shell), so paths and URLs need no quoting.
/// Lives in the shared plugin library; each plugin that runs tools carries a copy.
/// </summary>
public sealed class ProcessCommand
{
    /// <summary>How much of standard error a failed run keeps for its exception.</summary>
    public const int DefaultStderrTailChars = 4096;

    public ProcessCommand(string targetPath)
        : this(targetPath, [], null, ImmutableDictionary<string, string?>.Empty, DefaultStderrTailChars, false)
    {
    }

    private ProcessCommand(string targetPath, ImmutableArray<string> arguments, string? workingDirectory,
        ImmutableDictionary<string, string?> environment, int stderrTailChars, bool standardInput)
    {
        if (string.IsNullOrWhiteSpace(targetPath))
            throw new ArgumentException("The program to run must be named (e.g. 'ffmpeg' or '/usr/bin/ffmpeg').", nameof(targetPath));
        TargetPath = targetPath;
        Arguments = arguments;
        WorkingDirectory = workingDirectory;
        Environment = environment;
        StderrTailChars = stderrTailChars;
        StandardInput = standardInput;
    }

    /// <summary>The program: a name looked up on PATH, or a path.</summary>
    public string TargetPath { get; }

    public IReadOnlyList<string> Arguments { get; }

    public string? WorkingDirectory { get; }

    /// <summary>Variables added to (or, with a null value, removed from) the inherited environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; }

    public int StderrTailChars { get; }

    /// <summary>True: the caller writes the program's standard input. False: it gets an empty, closed input.</summary>
    public bool StandardInput { get; }

    public ProcessCommand WithArguments(IEnumerable<string> arguments)
        => new(TargetPath, [.. arguments], WorkingDirectory, (ImmutableDictionary<string, string?>)Environment, StderrTailChars, StandardInput);

    public ProcessCommand WithArguments(params string[] arguments) => WithArguments((IEnumerable<string>)arguments);

    public ProcessCommand WithWorkingDirectory(string? workingDirectory)
        => new(TargetPath, (ImmutableArray<string>)Arguments, workingDirectory, (ImmutableDictionary<string, string?>)Environment, StderrTailChars, StandardInput);

    public ProcessCommand WithEnvironment(string name, string? value)
        => new(TargetPath, (ImmutableArray<string>)Arguments, WorkingDirectory, ((ImmutableDictionary<string, string?>)Environment).SetItem(name, value), StderrTailChars, StandardInput);

    public ProcessCommand WithStderrTail(int chars)
    {
        if (chars is < 256 or > 1 << 20)
            throw new ArgumentOutOfRangeException(nameof(chars), chars, "The stderr tail must keep 256..1048576 characters.");
        return new(TargetPath, (ImmutableArray<string>)Arguments, WorkingDirectory, (ImmutableDictionary<string, string?>)Environment, chars, StandardInput);
    }

    public ProcessCommand WithStandardInput(bool enabled = true)
        => new(TargetPath, (ImmutableArray<string>)Arguments, WorkingDirectory, (ImmutableDictionary<string, string?>)Environment, StderrTailChars, enabled);

    /// <summary>The command as a person would type it, for logs and error messages.</summary>
    public string CommandLine => string.Join(' ', new[] { TargetPath }.Concat(Arguments).Select(Quote));

    public override string ToString() => CommandLine;

    /// <summary>
    /// Starts the program. Standard output is exposed as a stream; standard error is drained
    /// concurrently into a bounded tail. Throws <see cref="ExecutableNotFoundException"/> when the
    /// program does not exist.
    /// </summary>
    public RunningProcess Start()
    {
        var info = new ProcessStartInfo(TargetPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            WorkingDirectory = WorkingDirectory ?? "",
        };
        foreach (var argument in Arguments)
            info.ArgumentList.Add(argument);
        foreach (var (name, value) in Environment)
        {
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new ExecutableNotFoundException(this, e);
        }
        return new RunningProcess(this, process);
    }

    /// <summary>
    /// Runs the program to the end and returns its standard output as text (at most
    /// <paramref name="maxOutputChars"/>). Throws <see cref="ProcessCommandException"/> on a non-zero
    /// exit code; cancellation kills the process tree.
    /// </summary>
    public async Task<ProcessResult> ExecuteBufferedAsync(int maxOutputChars = 1 << 20, CancellationToken cancellationToken = default)
    {
        await using var running = Start();
        using var reader = new StreamReader(running.StandardOutput);
        var output = new System.Text.StringBuilder();
        var buffer = new char[8192];
        try
        {
            int n;
            while ((n = await reader.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (output.Length + n > maxOutputChars)
                    throw new ProcessCommandException(this, null, running.StderrTail,
                        $"it printed more than {maxOutputChars} characters");
                output.Append(buffer, 0, n);
            }
            var exitCode = await running.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (exitCode != 0)
                throw new ProcessCommandException(this, exitCode, running.StderrTail);
            return new ProcessResult(exitCode, output.ToString(), running.StderrTail);
        }
        catch (OperationCanceledException)
        {
            await running.KillAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static string Quote(string s)
        => s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || "-_./:=,+@%".Contains(c)) ? s : "'" + s.Replace("'", "'\\''") + "'";
}

/// <summary>The result of a program that ran to the end.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardErrorTail);
