using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Station;
using MoodDJ.Storage;

namespace MoodDJ.Rooms.Stations;

/// <summary>
/// Each room's own station (mood, queue, stream) on the one station server, started when someone
/// first joins the room. At most <see cref="Limit"/> run at once (rooms:maxRoomStations): a join that
/// needs one more stops an idle room's station (nobody in the room, nobody listening) or is refused,
/// and a sweep (<see cref="StopIdleAsync"/>, from <c>RoomControlMethods</c>) stops one idle for rooms:idleStationSeconds.
/// </summary>
public sealed class RoomStations
{
    public const string IdPrefix = "room-";

    private readonly StationServer _server;
    private readonly Func<string, LiveStation> _create;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<long, (RoomRecord Room, LiveStation Station)> _running = [];
    private volatile Dictionary<string, RoomRecord> _roomOfStation = new(StringComparer.Ordinal);
    private readonly Dictionary<long, long> _idleSince = [];   // room id → Stopwatch ticks it was first seen idle

    /// <param name="create">Makes a station with the given id (e.g. <see cref="StationFactory.CreateStation"/> over the engine).</param>
    /// <param name="limit">Room stations that may run at once (0: rooms have chat but no music of their own).</param>
    public RoomStations(StationServer server, Func<string, LiveStation> create, int limit, ILogger? log = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        _server = server ?? throw new ArgumentNullException(nameof(server));
        _create = create ?? throw new ArgumentNullException(nameof(create));
        Limit = limit;
        _log = log ?? NullLogger.Instance;
    }

    public int Limit { get; }

    public StationServer Server => _server;

    /// <summary>Called for each room station once it runs (before anyone is routed to it): e.g. the listening meter.</summary>
    public event Action<RoomRecord, LiveStation>? Started;

    public int Count
    {
        get
        {
            _gate.Wait();
            try { return _running.Count; }
            finally { _gate.Release(); }
        }
    }

    public static string IdOf(RoomRecord room) => IdPrefix + room.Id.ToString(CultureInfo.InvariantCulture);

    /// <summary>The room whose station <paramref name="station"/> is; false for the default station or another.</summary>
    public bool TryRoomOf(LiveStation station, out RoomRecord room) => _roomOfStation.TryGetValue(station.Id, out room!);

    /// <summary>The room's station when it runs.</summary>
    public LiveStation? Running(long roomId)
    {
        _gate.Wait();
        try { return _running.TryGetValue(roomId, out var r) ? r.Station : null; }
        finally { _gate.Release(); }
    }

    /// <summary>
    /// The room's station, started now if it is not running. <paramref name="occupied"/> says whether
    /// anyone is in a room (presence), so an idle room's station can make way when the limit is reached.
    /// </summary>
    public async Task<LiveStation> EnsureAsync(RoomRecord room, Func<long, bool> occupied, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_running.TryGetValue(room.Id, out var running)) return running.Station;
            if (Limit == 0)
                throw new RoomsException(RoomsError.Busy, $"This server runs no room stations (rooms:maxRoomStations is 0); '{room.Name}' has chat only.");
            if (_running.Count >= Limit)
            {
                var idle = _running.Values.FirstOrDefault(r => !occupied(r.Room.Id) && r.Station.Listeners.Count == 0);
                if (idle.Station is null)
                    throw new RoomsException(RoomsError.Busy,
                        $"All {Limit} room stations are in use (rooms:maxRoomStations); '{room.Name}' can start when another room empties.");
                await StopLockedAsync(idle.Room, idle.Station, "to make way for '" + room.Name + "'").ConfigureAwait(false);
            }
            LiveStation station;
            try
            {
                station = _create(IdOf(room));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log.LogWarning(e, "The station of room '{Room}' could not start.", room.Name);
                throw new RoomsException(RoomsError.Unavailable, $"The station of room '{room.Name}' could not start: {e.Message.Split('\n')[0]}");
            }
            _roomOfStation = new Dictionary<string, RoomRecord>(_roomOfStation, StringComparer.Ordinal) { [station.Id] = room };
            Started?.Invoke(room, station);
            station.Unlisted = true;   // reached through its room, not named to strangers
            _server.Add(station);
            _running[room.Id] = (room, station);
            _log.LogInformation("Room '{Room}' has its own station now ({Id}, SSRC {Ssrc:x8}); {Count} of {Limit} room stations run.",
                room.Name, station.Id, station.Ssrc, _running.Count, Limit);
            return station;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Stops every room station that nobody has been in or listened to for at least <paramref name="idleFor"/>
    /// (seen idle by an earlier call that long ago; <see cref="TimeSpan.Zero"/>: idle now). Returns how many.
    /// </summary>
    public async Task<int> StopIdleAsync(Func<long, bool> occupied, TimeSpan idleFor = default)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var now = System.Diagnostics.Stopwatch.GetTimestamp();
            var due = new List<(RoomRecord Room, LiveStation Station)>();
            foreach (var (id, running) in _running)
            {
                if (occupied(id) || running.Station.Listeners.Count > 0)
                {
                    _idleSince.Remove(id);
                    continue;
                }
                if (!_idleSince.TryGetValue(id, out var since)) _idleSince[id] = since = now;
                if (System.Diagnostics.Stopwatch.GetElapsedTime(since, now) >= idleFor) due.Add(running);
            }
            foreach (var (room, station) in due) await StopLockedAsync(room, station, "idle").ConfigureAwait(false);
            return due.Count;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops every room's station (at shutdown, so their listeners' last spells are stored before the database closes).</summary>
    public async Task StopAllAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (var (room, station) in _running.Values.ToList()) await StopLockedAsync(room, station, "the server stops").ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task StopLockedAsync(RoomRecord room, LiveStation station, string why)
    {
        _running.Remove(room.Id);
        _idleSince.Remove(room.Id);
        await _server.RemoveAsync(station).ConfigureAwait(false);
        var map = new Dictionary<string, RoomRecord>(_roomOfStation, StringComparer.Ordinal);
        map.Remove(station.Id);
        _roomOfStation = map;
        _log.LogInformation("Stopped the station of room '{Room}' ({Why}).", room.Name, why);
    }
}
