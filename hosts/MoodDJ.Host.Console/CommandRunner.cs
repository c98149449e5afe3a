using System.CommandLine;
using MoodDJ.Abstractions.Settings;
using MoodDJ.Hosting.Configuration;

namespace MoodDJ.Host.Console;

/// <summary>
/// Runs a command's body with a <see cref="HostContext"/>, and turns any failure into one clear
/// line on stderr and a non-zero exit code (the full exception only with --verbose).
/// </summary>
internal static class CommandRunner
{
    public const int Failed = 1;
    public const int Interrupted = 130;

    public static async Task<int> RunAsync(
        ParseResult parseResult,
        GlobalOptions globals,
        Func<HostContext, CancellationToken, Task<int>> body,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? overrides = null,
        bool inspectOnly = false)
    {
        var verbose = parseResult.GetValue(globals.Verbose);
        try
        {
            await using var context = HostContext.Create(parseResult, globals, overrides, inspectOnly);
            try
            {
                return await body(context, cancellationToken);
            }
            catch (SettingsException ex)
            {
                throw ConfigurationErrors.WithSource(ex, context.Configuration);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Interrupted;
        }
        catch (Exception ex)
        {
            ReportError(ex, verbose);
            return Failed;
        }
    }

    public static void ReportError(Exception ex, bool verbose)
    {
        if (verbose)
        {
            System.Console.Error.WriteLine($"mooddj: error: {ex}");
            return;
        }
        System.Console.Error.WriteLine($"mooddj: error: {Describe(ex)}");
        System.Console.Error.WriteLine("         (run with --verbose for details)");
    }

    /// <summary>One line: the message of the exception that says what went wrong, without a stack trace.</summary>
    internal static string Describe(Exception ex)
    {
        // Reflection and aggregate wrappers hide the useful message one level down.
        while (ex is System.Reflection.TargetInvocationException or AggregateException && ex.InnerException is not null)
            ex = ex.InnerException;
        var message = ex.Message.ReplaceLineEndings(" ").Trim();
        return IsUserFacing(ex) ? message : $"{ex.GetType().Name}: {message}";
    }

    private static bool IsUserFacing(Exception ex)
    {
        // The engine's and plugins' own exception types carry messages written for users.
        var ns = ex.GetType().Namespace ?? "";
        return ns.StartsWith("MoodDJ", StringComparison.Ordinal)
            || ex is System.Net.Sockets.SocketException or IOException or UnauthorizedAccessException
                or InvalidOperationException or ArgumentException or NotSupportedException;
    }
}
