using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using MoodDJ.Storage;

namespace MoodDJ.Rooms.Tests;

/// <summary>A clock the test moves by hand (wall time and timestamps together).</summary>
internal sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;
    public override DateTimeOffset GetUtcNow() => Now;
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() => Now.UtcTicks;
    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>Keeps every formatted log line, so a test can search what would have been logged.</summary>
internal sealed class ListLogger : ILogger
{
    public ConcurrentQueue<string> Lines { get; } = new();
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception));
}

/// <summary>A SQLite store in a temporary folder, deleted afterwards.</summary>
internal sealed class TempStore : IAsyncDisposable
{
    private readonly bool _owned;
    private TempStore(string dir, SqlStore store, bool owned = true) { Dir = dir; Store = store; _owned = owned; }
    public string Dir { get; }
    public string Path => System.IO.Path.Combine(Dir, "mooddj.db");
    public SqlStore Store { get; }

    public static async Task<TempStore> CreateAsync()
    {
        var dir = Directory.CreateTempSubdirectory("mooddj-rooms-").FullName;
        return new TempStore(dir, await SqlStore.OpenAsync(new StorageOptions { Path = System.IO.Path.Combine(dir, "mooddj.db") }));
    }

    /// <summary>Opens the store in <paramref name="dir"/> again (a server restart); the folder is left for its owner.</summary>
    public static async Task<TempStore> ReopenAsync(string dir) =>
        new(dir, await SqlStore.OpenAsync(new StorageOptions { Path = System.IO.Path.Combine(dir, "mooddj.db") }), owned: false);

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (!_owned) return;
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
