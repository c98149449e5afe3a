using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Station;
using MoodDJ.Storage;

namespace MoodDJ.Rooms.Stations;

/// <summary>
/// Listening time on the rooms' stations (seed 001's billing by play time): for each listener, the
/// time the music played to it, pauses left out, written as one spell when the listener leaves (it
/// unsubscribes, its heartbeats stop, its client moves on, or the station stops). A listener outlives
/// its control connection, so a reconnect does not split a spell. Pauses are sampled every
/// <see cref="Tick"/>, so each pause or resume is placed to within one tick. The user is the one the
/// listener's client was logged in as when it joined the room; a client without a login is a visitor.
/// </summary>
public sealed class ListeningMeter : IAsyncDisposable
{
    public const string Visitor = "(visitor)";

    private readonly IListeningLog _log;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, string> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Listener, Spell> _spells = new();
    private readonly ConcurrentDictionary<Task, byte> _writes = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Lazy<Task> _loop;

    public ListeningMeter(IListeningLog log, ILogger? logger = null, TimeSpan? tick = null, TimeProvider? time = null)
    {
        _log = log;
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        Tick = tick ?? TimeSpan.FromMilliseconds(200);
        _loop = new Lazy<Task>(() => Task.Run(RunAsync));
    }

    public TimeSpan Tick { get; }

    private sealed class Spell(string room, LiveStation station, DateTimeOffset started, long now)
    {
        public readonly string Room = room;
        public readonly LiveStation Station = station;
        public readonly DateTimeOffset Started = started;
        public long Last = now;
        public TimeSpan Heard;
    }

    /// <summary>Counts the listening of <paramref name="client"/>'s listeners (its resume token) for <paramref name="user"/>.</summary>
    public void Attribute(string client, string user)
    {
        // Bounded: clients come and go; one that is still listening is attributed again when it rejoins.
        if (_users.Count >= MaxClients && !_users.ContainsKey(client))
            foreach (var stale in _users.Keys.Where(c => !_spells.Keys.Any(l => l.SessionId == c)).Take(MaxClients / 2).ToList())
                _users.TryRemove(stale, out _);
        _users[client] = user;
    }

    private const int MaxClients = 10_000;

    /// <summary>Meters every listener of a room's station from now on (call before it runs, e.g. from <see cref="RoomStations.Started"/>).</summary>
    public void Attach(RoomRecord room, LiveStation station)
    {
        station.Listeners.Joined += (listener, _) => _spells[listener] = new Spell(room.Name, station, _time.GetUtcNow(), _time.GetTimestamp());
        station.Listeners.Left += (listener, _, _) => End(listener);
        _ = _loop.Value;
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(Tick, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
                foreach (var spell in _spells.Values) Advance(spell);
        }
        catch (OperationCanceledException) { }
    }

    private void Advance(Spell spell)
    {
        var now = _time.GetTimestamp();
        lock (spell)
        {
            if (!spell.Station.Paused && !spell.Station.Stopped) spell.Heard += _time.GetElapsedTime(spell.Last, now);
            spell.Last = now;
        }
    }

    private void End(Listener listener)
    {
        if (!_spells.TryRemove(listener, out var spell)) return;
        Advance(spell);
        var user = _users.TryGetValue(listener.SessionId, out var name) ? name : Visitor;
        var record = new ListeningRecord(user, spell.Room, spell.Started, _time.GetUtcNow(), spell.Heard);
        // Off the station's path: a slow database must not hold up the listener registry.
        var write = Task.Run(async () =>
        {
            try
            {
                await _log.AppendAsync(record).ConfigureAwait(false);
            }
            catch (Exception e) when (e is StorageUnavailableException or InvalidOperationException or ObjectDisposedException)
            {
                _logger.LogWarning("{User}'s {Seconds:0.0} s of listening in '{Room}' were not stored: {Message}", user, record.Heard.TotalSeconds, record.Room, e.Message);
            }
        });
        _writes[write] = 0;
        write.ContinueWith(t => _writes.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>Waits for the spells already ended to be stored.</summary>
    public Task FlushAsync() => Task.WhenAll(_writes.Keys);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_loop.IsValueCreated) await _loop.Value.ConfigureAwait(false);
        await FlushAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
