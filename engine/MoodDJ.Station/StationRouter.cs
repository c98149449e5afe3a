using System.Collections.Concurrent;

namespace MoodDJ.Station;

/// <summary>
/// The stations one server hosts, by id. Hello's <c>station</c> parameter picks one (none: the
/// default); the shared heartbeat port finds a listener's station by its token, which is a 128-bit
/// random secret, so looking in each station's registry in turn cannot mix two stations up.
/// </summary>
public sealed class StationRouter : IListenerDirectory
{
    /// <summary>The id of the station a server makes when none is named.</summary>
    public const string DefaultId = "default";

    private readonly ConcurrentDictionary<string, LiveStation> _byId = new(StringComparer.Ordinal);
    private volatile LiveStation[] _all = [];
    private readonly Lock _gate = new();

    /// <summary>The station a session gets when its hello names none (the first one added).</summary>
    public LiveStation? Default { get; private set; }

    public IReadOnlyList<LiveStation> Stations => _all;

    public IReadOnlyList<string> Ids => Array.ConvertAll(_all, s => s.Id);

    /// <summary>The ids a client may be told of (<see cref="LiveStation.Unlisted"/> ones left out).</summary>
    public IReadOnlyList<string> ListedIds => _all.Where(s => !s.Unlisted).Select(s => s.Id).ToArray();

    public void Add(LiveStation station)
    {
        ArgumentNullException.ThrowIfNull(station);
        lock (_gate)
        {
            if (!_byId.TryAdd(station.Id, station))
                throw new ArgumentException($"A station with the id '{station.Id}' is already hosted here.");
            _all = [.. _all, station];
            Default ??= station;
        }
    }

    /// <summary>Stops routing to <paramref name="station"/> (a room's station being stopped); the default station stays.</summary>
    public bool Remove(LiveStation station)
    {
        ArgumentNullException.ThrowIfNull(station);
        lock (_gate)
        {
            if (ReferenceEquals(station, Default))
                throw new InvalidOperationException($"The default station '{station.Id}' cannot be removed.");
            if (!_byId.TryRemove(new KeyValuePair<string, LiveStation>(station.Id, station))) return false;
            _all = [.. _all.Where(s => !ReferenceEquals(s, station))];
            return true;
        }
    }

    /// <summary>Marks the relaying peers at <paramref name="from"/> as punched through (see <see cref="Listener.FedByPeers"/>).</summary>
    public void MarkPunched(System.Net.SocketAddress from)
    {
        foreach (var station in _all)
            foreach (var listener in station.Listeners.Snapshot)
                if (listener.Mesh is not null && !listener.Punched && listener.Address.Equals(from))
                    listener.MarkPunched();
    }

    /// <summary>The station named <paramref name="id"/>, or the default one for null or empty.</summary>
    public bool TryResolve(string? id, out LiveStation? station)
    {
        if (string.IsNullOrEmpty(id))
        {
            station = Default;
            return station is not null;
        }
        return _byId.TryGetValue(id, out station);
    }

    public bool TryTouch(UInt128 token)
    {
        foreach (var station in _all)
            if (station.Listeners.TryTouch(token)) return true;
        return false;
    }

    public bool Remove(UInt128 token)
    {
        foreach (var station in _all)
            if (station.Listeners.Remove(token)) return true;
        return false;
    }
}

/// <summary>Finds a listener by its heartbeat token (one station's registry, or every station's through the router).</summary>
public interface IListenerDirectory
{
    /// <summary>Records a heartbeat; false for a token nobody holds.</summary>
    bool TryTouch(UInt128 token);

    /// <summary>Drops the listener holding <paramref name="token"/> (it said Leave); false when none does.</summary>
    bool Remove(UInt128 token);
}
