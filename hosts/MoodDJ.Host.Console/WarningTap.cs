using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MoodDJ.Host.Console;

/// <summary>
/// Keeps the last warning logged by categories under a prefix (e.g. the music director), so a
/// command that runs the station in-process can say why no music came instead of timing out.
/// A command that prints every warning itself takes them with <see cref="TryTake"/>, and
/// <see cref="HostContext.ShowWarningsThrough"/> keeps the console logger from printing them again.
/// </summary>
internal sealed class WarningTap(string categoryPrefix) : ILoggerProvider
{
    private const int MaxPending = 64;
    private readonly ConcurrentQueue<string> _pending = new();
    private volatile string? _last;
    private int _count;

    public string CategoryPrefix => categoryPrefix;

    public string? Last => _last;

    /// <summary>The oldest warning not yet taken (at most the last 64 are kept).</summary>
    public bool TryTake(out string warning) => _pending.TryDequeue(out warning!);

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
                var text = formatter(state, exception).ReplaceLineEndings(" ");
                owner._last = text;
                owner._pending.Enqueue(text);
                while (owner._pending.Count > MaxPending && owner._pending.TryDequeue(out _)) { }
                Interlocked.Increment(ref owner._count);
            }
        }
    }
}
