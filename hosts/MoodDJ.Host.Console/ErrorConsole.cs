using Spectre.Console;

namespace MoodDJ.Host.Console;

/// <summary>
/// Where progress and status go when stdout may carry audio (the stdout output plugin): a
/// console writing to stderr (plain in pipes and under NO_COLOR, see <see cref="Terminal"/>).
/// </summary>
internal static class ErrorConsole
{
    public static IAnsiConsole Create() => Terminal.Stderr();
}
