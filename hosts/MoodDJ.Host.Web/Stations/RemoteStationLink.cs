using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using MoodDJ.Client;
using MoodDJ.Hosting;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Host.Web.Stations;

/// <summary>
/// The station is a `mooddj server` elsewhere (<c>web:station = remote</c>, <c>web:server</c>).
/// The protocol has no listener-list method, so the host builds the list from the join and leave
/// notifications it has seen since it connected; loss and buffer are known for its own players.
/// </summary>
public sealed class RemoteStationLink(MoodDJEngine engine, WebOptions options, ILoggerFactory loggerFactory) : IStationLink
{
    private readonly ConcurrentDictionary<(string Name, string Address), int> _seen = new();
    private readonly ILogger _log = loggerFactory.CreateLogger<RemoteStationLink>();
    private readonly CancellationTokenSource _stop = new();
    private Task _retry = Task.CompletedTask;
    private StationControlClient? _client;
    private IPEndPoint? _endPoint;

    public string Where => $"remote station {options.Server}";

    public StationControlClient Client => _client ?? throw new InvalidOperationException("The station link has not started.");

    public IPAddress StreamHost => _endPoint?.Address ?? IPAddress.Loopback;

    public StationControlClient NewClient(string name) => new(engine.ControlTransport, engine.Crypto, new StationClientOptions
    {
        EndPoint = _endPoint ?? Parse(options.Server),
        ClientName = name,
    }, loggerFactory.CreateLogger<StationClient>());

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _endPoint = Parse(options.Server);
        _client = NewClient("mooddj web");
        _client.ListenerJoined += e => _seen[(e.Name, e.Address)] = 1;
        _client.ListenerLeft += e => _seen.TryRemove((e.Name, e.Address), out _);
        // The page is served even while the station is down; the panel says so until it answers.
        try
        {
            await _client.ConnectAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log.LogWarning("The station at {Server} did not answer ({Error}); retrying in the background.", options.Server, e.Message);
            _retry = RetryAsync(_stop.Token);
        }
    }

    /// <summary>Retries back off to this and no further: a station on the LAN that comes back should be found within seconds.</summary>
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(3);

    private async Task RetryAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(500);
        while (!cancellationToken.IsCancellationRequested && _client!.State != StationClientState.Connected)
        {
            try
            {
                await Task.Delay(delay, cancellationToken);
                await _client.ConnectAsync(cancellationToken);
            }
            catch (OperationCanceledException) { return; }
            catch (Exception e)
            {
                _log.LogDebug("The station still does not answer: {Error}", e.Message);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    public IReadOnlyList<ListenerView> Listeners(IReadOnlyDictionary<string, PlayerStats> local) =>
        _seen.Keys.Select(k => local.TryGetValue(k.Name, out var stats) ? LocalStationLink.View(k.Name, k.Address, stats) : new ListenerView(k.Name, k.Address, null, null))
            .ToArray();

    private static IPEndPoint Parse(string server)
    {
        if (IPEndPoint.TryParse(server, out var endPoint) && endPoint.Port != 0) return endPoint;
        var colon = server.LastIndexOf(':');
        if (colon > 0 && int.TryParse(server[(colon + 1)..], out var port) && port is > 0 and < 65536)
        {
            var address = Dns.GetHostAddresses(server[..colon]).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                ?? throw new Abstractions.Settings.SettingsException("web:server", $"web:server '{server}' does not resolve to an IPv4 address.");
            return new IPEndPoint(address, port);
        }
        throw new Abstractions.Settings.SettingsException("web:server", $"web:server must be host:port (for example 192.168.1.20:5678), not '{server}'.");
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _retry;
        if (_client is not null) await _client.DisposeAsync();
    }
}
