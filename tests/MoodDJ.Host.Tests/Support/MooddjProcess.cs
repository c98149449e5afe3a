using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace MoodDJ.Host.Tests.Support;

/// <summary>The result of one run of the mooddj executable.</summary>
public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}";
}

/// <summary>Finds the built mooddj host and runs it (or any other program) as a real process.</summary>
public static class MooddjProcess
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The host's output folder for the configuration these tests were built in.</summary>
    public static string HostFolder { get; } = Path.Combine(RepoRoot, "hosts", "MoodDJ.Host.Console", "bin", BuildConfiguration, "net10.0");

    private static string BuildConfiguration =>
        typeof(MooddjProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static Task<ProcessResult> RunAsync(string workingDirectory, params string[] args) =>
        RunProgramAsync("dotnet", workingDirectory, [Path.Combine(HostFolder, "mooddj.dll"), .. args]);

    /// <summary>mooddj with its user config folder (XDG_CONFIG_HOME) at <paramref name="home"/>: one "machine".</summary>
    public static Task<ProcessResult> RunAsAsync(string home, string workingDirectory, params string[] args) =>
        RunProgramAsync("dotnet", workingDirectory, [Path.Combine(HostFolder, "mooddj.dll"), .. args],
            new Dictionary<string, string?> { ["XDG_CONFIG_HOME"] = home });

    public static async Task<ProcessResult> RunProgramAsync(string program, string workingDirectory, IEnumerable<string> args,
        IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        using var process = Process.Start(StartInfo(program, workingDirectory, args, environment))
            ?? throw new InvalidOperationException($"Could not start {program}.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in time.\n{await stdout}\n{await stderr}");
        }
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// How every test starts a program: output redirected, NO_COLOR set, no MOODDJ__ variables, and
    /// the user config folder inside the working directory unless the test names one (a value of
    /// null removes a variable).
    /// </summary>
    public static ProcessStartInfo StartInfo(string program, string workingDirectory, IEnumerable<string> args,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        // Keep the child's configuration and output independent of whatever the test runner has.
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["NO_COLOR"] = "1";
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MOODDJ__", StringComparison.OrdinalIgnoreCase)).ToList())
            info.Environment.Remove(key);
        info.Environment["XDG_CONFIG_HOME"] = System.IO.Path.Combine(workingDirectory, ".config");
        // The station remembers its last mood under XDG_STATE_HOME: keep that in the test's folder, not the user's.
        info.Environment["XDG_STATE_HOME"] = System.IO.Path.Combine(System.IO.Path.GetFullPath(workingDirectory), ".mooddj-test-state");
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) info.Environment.Remove(key);
            else info.Environment[key] = value;
        }
        return info;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MoodDJ.sln")))
                return dir.FullName;
        throw new InvalidOperationException("MoodDJ.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A temporary folder deleted when the test ends.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mooddj-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
