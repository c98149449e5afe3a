using System.Net;
using MoodDJ.Client;

namespace MoodDJ.Host.Web.Stations;

/// <summary>
/// The one thing that differs between running the station in this process and controlling a
/// `mooddj server` elsewhere: where the control client connects, where the stream comes from, and
/// what the host can see of the station's listeners. The page code only talks to this.
/// </summary>
public interface IStationLink : IAsyncDisposable
{
    /// <summary>How the page describes the station ("in this process" or the remote address).</summary>
    string Where { get; }

    /// <summary>Connected (and reconnecting by itself) after <see cref="StartAsync"/>.</summary>
    StationControlClient Client { get; }

    /// <summary>The address the station streams from (players subscribe with their port on this machine).</summary>
    IPAddress StreamHost { get; }

    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>A further control client of the same station, not yet connected (each talking browser has its own voice).</summary>
    StationControlClient NewClient(string name);

    /// <summary>The station's listeners as this host knows them; <paramref name="local"/> adds the stats of this host's own players.</summary>
    IReadOnlyList<ListenerView> Listeners(IReadOnlyDictionary<string, PlayerStats> local);
}

/// <summary>One listener as the page shows it; loss and buffer are null when the host has no report yet.</summary>
public sealed record ListenerView(string Name, string Address, double? LossPercent, int? BufferedMs);
