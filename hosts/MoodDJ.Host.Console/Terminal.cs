using Spectre.Console;

namespace MoodDJ.Host.Console;

/// <summary>
/// Consoles that behave in pipes and logs: no ANSI codes when NO_COLOR is set or the stream is not
/// a terminal, and no hard wrapping there (a long join code or path stays one line).
/// </summary>
internal static class Terminal
{
    /// <summary>NO_COLOR (https://no-color.org): any non-empty value turns colour and styles off.</summary>
    public static bool NoColor => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    /// <summary>True when log lines should carry no escape codes (NO_COLOR, or stderr is not a terminal).</summary>
    public static bool Plain => NoColor || System.Console.IsErrorRedirected;

    public static bool StdoutIsTerminal => !System.Console.IsOutputRedirected;

    public static bool StderrIsTerminal => !System.Console.IsErrorRedirected;

    public static IAnsiConsole Stdout() => Create(System.Console.Out, System.Console.IsOutputRedirected);

    /// <summary>Progress and status when stdout may carry audio (the stdout output plugin).</summary>
    public static IAnsiConsole Stderr() => Create(System.Console.Error, System.Console.IsErrorRedirected);

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var plain = redirected || NoColor;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected)
            console.Profile.Width = 1000; // no terminal: never wrap mid-token
        return console;
    }
}
