using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using MoodDJ.Station;

namespace MoodDJ.Host.Console.Commands;

/// <summary>
/// Who is who at the station, read from the station's own structured log events (the station does
/// not publish join notifications yet): the client name behind each listener, and who sent the last
/// prompt. Wraps the host's logger factory, so the normal logs are untouched.
/// </summary>
internal sealed class StationNames(ILoggerFactory inner) : ILoggerFactory
{
    private const string StationCategory = "MoodDJ.Station.LiveStation";
    private readonly ConcurrentDictionary<long, string> _listeners = new();
    private volatile string? _lastPrompter;
    private int _prompts;

    /// <summary>Prompts answered so far (the station logs each after the mood is set).</summary>
    public int Prompts => Volatile.Read(ref _prompts);

    public string? ListenerName(long id) => _listeners.TryGetValue(id, out var name) ? name : null;

    /// <summary>The client that sent the most recent prompt.</summary>
    public string? LastPrompter => _lastPrompter;

    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return categoryName == StationCategory ? new Tap(this, logger) : logger;
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() { }

    private void Observe(IReadOnlyList<KeyValuePair<string, object?>> values)
    {
        string? client = null;
        Listener? listener = null;
        var prompt = false;
        foreach (var (key, value) in values)
        {
            if (key == "Client") client = value as string;
            else if (key == "Listener") listener = value as Listener;
            else if (key == "Mood") prompt = true;
        }
        if (client is null) return;
        if (listener is not null) _listeners[listener.Id] = client;
        else if (prompt)
        {
            _lastPrompter = client;
            Interlocked.Increment(ref _prompts);
        }
    }

    private sealed class Tap(StationNames owner, ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information || inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
                owner.Observe(values);
            if (inner.IsEnabled(logLevel))
                inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
