using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Abstractions.Crypto;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Protocol;
using MoodDJ.Hosting;

namespace MoodDJ.Station;

/// <summary>
/// The control endpoint of a server (shared by all its stations): accepts connections from an <see cref="IControlTransport"/>,
/// runs the crypto handshake (with a timeout), then serves each client as a
/// <see cref="ControlSession"/> whose requests go to an <see cref="IControlHandler"/>. Connections
/// beyond <see cref="ControlServerOptions.MaxConnections"/> are refused with a JSON-RPC error.
/// Every connection that breaks a rule is dropped and counted in <see cref="Stats"/>; the others
/// carry on.
/// </summary>
public sealed class ControlServer : IAsyncDisposable
{
    private readonly IControlTransport _transport;
    private readonly ICryptoProvider _crypto;
    private readonly IControlHandler _handler;
    private readonly ControlServerOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, ControlSession> _sessions = new();
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private IControlListener? _listener;
    private Task? _acceptLoop;
    private long _nextConnectionId;
    private int _lingering;
    private int _stopped;

    public ControlServer(IControlTransport transport, ICryptoProvider crypto, IControlHandler handler, ControlServerOptions options, ILogger<ControlServer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(crypto);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _transport = transport;
        _crypto = crypto;
        _handler = handler;
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public ControlServerOptions Options => _options;

    public ControlServerStats Stats { get; } = new();

    /// <summary>Where the server listens (the real port when the options asked for port 0).</summary>
    public EndPoint LocalEndPoint => _listener?.LocalEndPoint ?? throw new InvalidOperationException("The control server is not started.");

    /// <summary>Sessions past their handshake and still open.</summary>
    public IReadOnlyCollection<ControlSession> Sessions => (IReadOnlyCollection<ControlSession>)_sessions.Values;

    /// <summary>Binds and starts accepting. Throws AddressInUseException when the port is taken.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_listener is not null) throw new InvalidOperationException("The control server is already started.");
        _listener = await _transport.ListenAsync(_options.EndPoint, _options.Frames, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Control server listening on {EndPoint}.", _listener.LocalEndPoint);
        _acceptLoop = AcceptLoopAsync(_listener);
    }

    /// <summary>
    /// Sends one notification to every open session (serialized once). A session whose queue is
    /// full is dropped as stalled; the others are not delayed. Returns how many got it queued.
    /// </summary>
    public int Broadcast(string method, object? parameters = null)
    {
        using var message = JsonRpcWriter.Notification(method, parameters);
        var count = 0;
        foreach (var session in _sessions.Values)
            if (session.NotifyRaw(message.Span)) count++;
        return count;
    }

    /// <summary>Stops accepting, closes every session, and waits for them to finish.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        _stopping.Cancel();
        if (_listener is not null) await _listener.DisposeAsync().ConfigureAwait(false);
        if (_acceptLoop is not null) await _acceptLoop.ConfigureAwait(false);
        foreach (var session in _sessions.Values)
            session.Drop(ControlDropReason.ServerStopping, "the server is stopping");
        await Task.WhenAll(_connections.Values).ConfigureAwait(false);
        _logger.LogInformation("Control server stopped: {Stats}.", Stats);
    }

    private async Task AcceptLoopAsync(IControlListener listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            IFrameConnection? connection;
            try
            {
                connection = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // E.g. out of file descriptors under a flood: wait a little rather than spin.
                _logger.LogWarning("Accepting a control connection failed: {Message}", e.Message);
                await Task.Delay(50).ConfigureAwait(false);
                continue;
            }
            if (connection is null) return;
            Stats.OnAccepted();
            var id = Interlocked.Increment(ref _nextConnectionId);
            var task = ServeAsync(id, connection);
            _connections[id] = task;
            _ = task.ContinueWith(static (_, state) =>
            {
                var (connections, key) = ((ConcurrentDictionary<long, Task>, long))state!;
                connections.TryRemove(key, out Task? _);
            }, (_connections, id), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(long id, IFrameConnection connection)
    {
        await Task.Yield(); // Never hold up the accept loop.
        if (Stats.OnOpened() > _options.MaxConnections)
        {
            Stats.OnClosed();
            await RefuseFullAsync(connection).ConfigureAwait(false);
            return;
        }
        try
        {
            await using var channel = await HandshakeAsync(id, connection).ConfigureAwait(false);
            if (channel is null) return;
            var session = new ControlSession(id, channel, _options, Stats, _logger);
            Stats.OnSession();
            _sessions[id] = session;
            try
            {
                if (_stopping.IsCancellationRequested)
                    session.Drop(ControlDropReason.ServerStopping, "the server is stopping");
                await _handler.OnSessionOpenedAsync(session).ConfigureAwait(false);
                await session.RunAsync(_handler).ConfigureAwait(false);
            }
            finally
            {
                _sessions.TryRemove(id, out _);
                try
                {
                    await _handler.OnSessionClosedAsync(session).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    _logger.LogWarning(e, "The handler failed while closing session {Id}.", id);
                }
            }
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Control connection {Id} failed unexpectedly.", id);
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            Stats.OnClosed();
        }
    }

    /// <summary>The secure channel, or null when the handshake failed (counted).</summary>
    private async Task<SecureMessageChannel?> HandshakeAsync(long id, IFrameConnection connection)
    {
        try
        {
            return await SecureMessageChannel.EstablishAsync(connection, _crypto, HandshakeRole.Server,
                _options.Frames, _options.Messages, _options.HandshakeTimeout, _stopping.Token).ConfigureAwait(false);
        }
        catch (CryptoMismatchException e) when (!_stopping.IsCancellationRequested)
        {
            // A client with another crypto plugin: say so here and tell the client which one to use.
            Stats.OnDropped(ControlDropReason.HandshakeFailed, $"connection {id} ({connection.RemoteEndPoint}): {e.Message}");
            _logger.LogWarning("Control connection {Id}: client {Remote} speaks {ClientCrypto}; this station uses '{StationCrypto}'.",
                id, connection.RemoteEndPoint, e.ClientCrypto is { } c ? $"crypto '{c}'" : "an unknown crypto scheme", e.StationCrypto);
            await RefuseAsync(connection, RefusalFrame.CreateCryptoMismatch(e.StationCrypto!)).ConfigureAwait(false);
            return null;
        }
        catch (Exception e)
        {
            var (reason, detail) = e switch
            {
                _ when _stopping.IsCancellationRequested => (ControlDropReason.ServerStopping, "the server is stopping"),
                HandshakeTimeoutException => (ControlDropReason.HandshakeTimeout, e.Message),
                FrameProtocolException => (ControlDropReason.FrameProtocol, e.Message),
                _ when FindInner<FrameProtocolException>(e) is { } frame => (ControlDropReason.FrameProtocol, frame.Message),
                _ => (ControlDropReason.HandshakeFailed, e.Message),
            };
            Stats.OnDropped(reason, $"connection {id} ({connection.RemoteEndPoint}): {detail}");
            _logger.LogInformation("Control connection {Id} from {Remote} dropped ({Reason}): {Detail}", id, connection.RemoteEndPoint, reason, detail);
            connection.Abort(detail);
            return null;
        }
    }

    /// <summary>Refuses a client over the limit, saying why.</summary>
    private Task RefuseFullAsync(IFrameConnection connection)
    {
        var detail = $"the server already has {_options.MaxConnections} connections; try again later";
        Stats.OnDropped(ControlDropReason.ServerFull, $"{connection.RemoteEndPoint}: {detail}");
        return RefuseAsync(connection, RefusalFrame.Create(JsonRpcErrorCodes.ServerFull, $"Server full: {detail}."));
    }

    /// <summary>
    /// Sends a refused client the reason (one unsealed JSON-RPC error frame), then lingers briefly,
    /// discarding what it sends, so the refusal is read before the close.
    /// </summary>
    private async Task RefuseAsync(IFrameConnection connection, byte[] refusal)
    {
        try
        {
            if (Interlocked.Increment(ref _lingering) > _options.MaxLingeringRefusals) return;
            using var linger = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            linger.CancelAfter(_options.RefusalLinger);
            await connection.SendFrameAsync(refusal, linger.Token).ConfigureAwait(false);
            var discard = new DiscardBuffer();
            while (await connection.ReceiveFrameAsync(discard, linger.Token).ConfigureAwait(false)) { }
        }
        catch (Exception)
        {
            // Timeout, reset or a broken frame: the refusal is over either way.
        }
        finally
        {
            Interlocked.Decrement(ref _lingering);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static T? FindInner<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
            if (e is T found) return found;
        return null;
    }
}
