using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MoodDJ.Station.Rtsp;

/// <summary>
/// Serves a station server's stations at rtsp://host:port/&lt;station&gt; (RFC 2326) in plain RTP, so VLC,
/// ffplay, mpv and GStreamer listen with no helper, over UDP or interleaved on the RTSP connection.
/// Plain RTP can be read and forged by anyone on the path, so this is opt-in (rtsp:enabled / --rtsp).
/// </summary>
public sealed class RtspServer : IAsyncDisposable
{
    private readonly StationRouter _stations;
    private readonly RtspOptions _options;
    private readonly IPAddress _bind;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private readonly HashSet<Task> _connections = [];
    private readonly Lock _gate = new();
    private readonly RtspSessions _sessions;
    private TcpListener? _listener;
    private RtspUdpPorts? _udp;
    private RtspMethods? _methods;

    public RtspServer(StationRouter stations, RtspOptions options, IPAddress bind, ILogger? log = null)
    {
        options.Validate();
        _stations = stations;
        _options = options;
        _bind = bind;
        _log = log ?? NullLogger.Instance;
        _sessions = new RtspSessions(options);
    }

    public IPEndPoint EndPoint => (IPEndPoint)(_listener ?? throw new InvalidOperationException("The RTSP server is not started.")).LocalEndpoint;

    /// <summary>Sessions set up and not yet ended.</summary>
    public int Sessions => _sessions.Count;

    /// <summary>The URL a player opens for <paramref name="stationId"/>.</summary>
    public string UrlFor(string stationId, IPAddress? host = null) =>
        $"rtsp://{(host ?? (EndPoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback : EndPoint.Address))}:{EndPoint.Port}/{stationId}";

    /// <summary>Binds the TCP port and the UDP pair; a taken port becomes an error naming rtsp:port.</summary>
    public void Start()
    {
        var listener = new TcpListener(_bind, _options.Port);
        try
        {
            listener.Start();
        }
        catch (SocketException e)
        {
            throw new InvalidOperationException($"Cannot listen for RTSP on {_bind}:{_options.Port} ({e.SocketErrorCode}); set rtsp:port to a free port.", e);
        }
        _listener = listener;
        _udp = RtspUdpPorts.Open(_bind);
        _methods = new RtspMethods(_stations, _options, _sessions, _udp);
        var stopping = _stopping.Token;
        _loops.Add(Task.Run(() => AcceptAsync(stopping), CancellationToken.None));
        _loops.Add(Task.Run(() => ReceiveReportsAsync(stopping), CancellationToken.None));
        _loops.Add(Task.Run(() => ExpireAsync(stopping), CancellationToken.None));
        _log.LogWarning("RTSP on rtsp://{EndPoint}/<station> sends plain RTP: anyone on the network path can hear or forge it.", EndPoint);
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener!.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                _log.LogDebug("RTSP accept failed: {Error}", e.SocketErrorCode);
                continue;
            }
            lock (_gate)
            {
                if (_connections.Count >= _options.MaxConnections)
                {
                    _log.LogWarning("RTSP: refused {Remote}, rtsp:maxConnections ({Max}) are open.", socket.RemoteEndPoint, _options.MaxConnections);
                    socket.Dispose();
                    continue;
                }
                socket.NoDelay = true;
                var serving = ServeAsync(socket, cancellationToken);
                _connections.Add(serving);
                _ = serving.ContinueWith(t => { lock (_gate) _connections.Remove(t); }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    private async Task ServeAsync(Socket socket, CancellationToken cancellationToken)
    {
        await Task.Yield();
        await using var connection = new RtspConnection(socket, _options);
        try
        {
            await connection.RunAsync(_methods!.HandleAsync, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _log.LogWarning("RTSP connection from {Remote} failed: {Error}", connection.Remote, e.Message);
        }
        finally
        {
            foreach (var session in connection.Sessions) _sessions.End(session);
        }
    }

    /// <summary>Players send RTCP receiver reports to the server's RTCP port; each one keeps its session alive.</summary>
    private async Task ReceiveReportsAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[1500];
        EndPoint any = new IPEndPoint(_bind.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var received = await _udp!.Rtcp.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
                _sessions.TouchFrom((IPEndPoint)received.RemoteEndPoint);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // ICMP port unreachable from a player that went away: it expires on its own.
            }
        }
    }

    private async Task ExpireAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, _options.SessionTimeoutSeconds / 5.0)));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                if (_sessions.ExpireSilent() is > 0 and var expired)
                    _log.LogInformation("RTSP: {Count} silent session(s) ended.", expired);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        _stopping.Cancel();
        _listener?.Stop();
        _udp?.Rtcp.Close();
        Task[] open;
        lock (_gate) open = [.. _connections];
        await Task.WhenAll(_loops.Concat(open)).ConfigureAwait(false);
        _udp?.Dispose();
        _stopping.Dispose();
    }
}
