using System.Net;
using Microsoft.Extensions.Logging;
using MoodDJ.Client;
using MoodDJ.Hosting;
using MoodDJ.Host.Web.Rooms;
using MoodDJ.Station;

namespace MoodDJ.Host.Web.Stations;

/// <summary>
/// The station runs in this process (the default): a <see cref="StationServer"/> from the
/// configuration's station section, and a control client to it over loopback, so the page uses the
/// same protocol as it would with a remote station. The server's own listener registry gives every
/// listener's reported loss and buffer.
/// </summary>
public sealed class LocalStationLink(MoodDJEngine engine, ILoggerFactory loggerFactory) : IStationLink
{
    private StationServer? _server;
    private StationControlClient? _client;
    private LocalRooms? _rooms;

    public string Where => _server is null ? "in this process" : $"in this process (control {_server.ControlEndPoint})";

    public StationControlClient Client => _client ?? throw new InvalidOperationException("The station has not started.");

    public IPAddress StreamHost => IPAddress.Loopback;

    public StationServer Server => _server ?? throw new InvalidOperationException("The station has not started.");

    /// <summary>Rooms, accounts and chat on this station (null with rooms:enabled false).</summary>
    public LocalRooms? Rooms => _rooms;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _server = StationFactory.Create(engine, loggerFactory);
        _rooms = await LocalRooms.AttachAsync(engine, _server, loggerFactory, cancellationToken);
        await _server.StartAsync(cancellationToken);
        _client = NewClient("mooddj web");
        await _client.ConnectAsync(cancellationToken);
    }

    public StationControlClient NewClient(string name)
    {
        var control = (IPEndPoint)Server.ControlEndPoint;
        var address = control.Address.Equals(IPAddress.Any) ? IPAddress.Loopback : control.Address;
        return new StationControlClient(engine.ControlTransport, engine.Crypto, new StationClientOptions
        {
            EndPoint = new IPEndPoint(address, control.Port),
            ClientName = name,
        }, loggerFactory.CreateLogger<StationClient>());
    }

    public IReadOnlyList<ListenerView> Listeners(IReadOnlyDictionary<string, PlayerStats> local) =>
        Server.Listeners.Snapshot.Select(l => l.Report is { } report
                ? new ListenerView(l.Name, l.EndPoint.ToString(), Math.Round(report.LossPercent, 2), report.BufferedMs)
                : local.TryGetValue(l.Name, out var stats) ? View(l.Name, l.EndPoint.ToString(), stats)
                : new ListenerView(l.Name, l.EndPoint.ToString(), null, null))
            .ToArray();

    internal static ListenerView View(string name, string address, PlayerStats stats) =>
        new(name, address, stats.Received + stats.Lost == 0 ? 0 : Math.Round(100.0 * stats.Lost / (stats.Received + stats.Lost), 2), (int)stats.Buffered.TotalMilliseconds);

    public async ValueTask DisposeAsync()
    {
        if (_client is not null) await _client.DisposeAsync();
        // Room stations stop (and store their listening) first; then the server, whose closing sessions
        // store their rooms' "left" notices; the store closes last.
        if (_rooms is not null) await _rooms.Methods.StopStationsAsync();
        if (_server is not null) await _server.DisposeAsync();
        if (_rooms is not null) await _rooms.DisposeAsync();
    }
}
