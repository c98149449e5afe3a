using Microsoft.Extensions.Logging;

namespace MoodDJ.Host.Console;

/// <summary>
/// Keeps the last warning logged by categories under a prefix (e.g. the music director), so a
/// command that runs the station in-process can say why no music came instead of timing out.
/// </summary>
internal sealed class WarningTap(string categoryPrefix) : ILoggerProvider
{
    private volatile string? _last;
    private int _count;

    public string? Last => _last;

    /// <summary>Warnings seen so far (to notice a new one).</summary>
    public int Count => Volatile.Read(ref _count);

    public ILogger CreateLogger(string categoryName) =>
        categoryName.StartsWith(categoryPrefix, StringComparison.Ordinal) ? new Tap(this) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose() { }

    private sealed class Tap(WarningTap owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning)
            {
                owner._last = formatter(state, exception).ReplaceLineEndings(" ");
                Interlocked.Increment(ref owner._count);
            }
        }
    }
}
