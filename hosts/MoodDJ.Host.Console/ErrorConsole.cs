using Spectre.Console;

namespace MoodDJ.Host.Console;

/// <summary>
/// Where progress and status go when stdout may carry audio (the stdout output plugin): a
/// Spectre console writing to stderr.
/// </summary>
internal static class ErrorConsole
{
    public static IAnsiConsole Create() =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Error) });
}
