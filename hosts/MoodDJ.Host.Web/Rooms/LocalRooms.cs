using Microsoft.Extensions.Logging;
using MoodDJ.Hosting;
using MoodDJ.Rooms;
using MoodDJ.Rooms.Control;
using MoodDJ.Rooms.Stations;
using MoodDJ.Station;
using MoodDJ.Storage;

namespace MoodDJ.Host.Web.Rooms;

/// <summary>
/// Rooms, accounts and chat on the in-process station, set up as `mooddj server` sets them up
/// (the <c>rooms</c> and <c>storage</c> sections): the store opens and migrates, each room gets its
/// own station when first joined, and the room methods join the station's control server. Pages
/// reach them over their own control clients (<see cref="PageRooms"/>), as they would a remote server's.
/// </summary>
public sealed class LocalRooms : IAsyncDisposable
{
    private readonly SqlStore _store;
    private readonly RoomControlMethods _methods;
    private int _disposed;

    private LocalRooms(SqlStore store, RoomControlMethods methods)
    {
        _store = store;
        _methods = methods;
    }

    /// <summary>Adds the room methods to <paramref name="server"/> (before it starts); null when rooms:enabled is false.</summary>
    public static async Task<LocalRooms?> AttachAsync(MoodDJEngine engine, StationServer server, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var options = RoomsSetup.Rooms(engine.Configuration);
        if (!options.Enabled) return null;
        var store = await RoomsSetup.OpenStoreAsync(RoomsSetup.Storage(engine.Configuration), cancellationToken);
        var log = loggers.CreateLogger<LocalRooms>();
        var stations = new RoomStations(server, id => StationFactory.CreateStation(engine, id, loggers), options.MaxRoomStations, log);
        stations.Started += (room, live) => StationEvents.Attach(live, store.Events, log, room.Name);
        var methods = new RoomControlMethods(store, options, loggers, stations: stations);
        server.AddControlMethods(methods);
        foreach (var live in server.Router.Stations) StationEvents.Attach(live, store.Events, log);
        return new LocalRooms(store, methods);
    }

    public RoomControlMethods Methods => _methods;

    public async ValueTask DisposeAsync()
    {
        // The host stops the link, and then its container disposes it again.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _methods.StopStationsAsync();
        await _store.DisposeAsync();
    }
}
