using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Abstractions.Crypto;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Client;

// Over 300 lines on purpose: connect, receive, ping and reconnect share one connection's lifetime
// (its Lost token, pending calls and the connected signal) and read best together; the protocol
// itself lives in StationControlClient and the resume list in ResumeCalls.

/// <summary>
/// A control client of a station: connects and runs the crypto handshake, says hello, makes
/// JSON-RPC calls with timeouts, receives notifications, pings to stay alive, and — when the
/// connection is lost (the server restarted, the network failed, a ping went unanswered) —
/// reconnects by itself with exponential backoff and jitter, says hello again with its resume
/// token and, if the station no longer knows it, replays its resume calls (e.g. the last prompt,
/// the subscription) so the user's session carries on.
/// </summary>
public sealed class StationClient : IAsyncDisposable
{
    private readonly IControlTransport _transport;
    private readonly ICryptoProvider _crypto;
    private readonly StationClientOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _disposing = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly Channel<StationNotification> _notifications;
    private readonly ResumeCalls _resumeCalls = new();
    private TaskCompletionSource<Connection> _connected = NewConnectedSignal();
    private Connection? _current;
    private Task? _supervisor;
    private long _nextId;
    private string? _resumeToken;
    private int _disposed;

    public StationClient(IControlTransport transport, ICryptoProvider crypto, StationClientOptions options, ILogger<StationClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(crypto);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _transport = transport;
        _crypto = crypto;
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _notifications = Channel.CreateBounded<StationNotification>(new BoundedChannelOptions(options.NotificationBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = false,
        });
    }

    public StationClientState State { get; private set; } = StationClientState.Disconnected;

    /// <summary>Raised on every state change, with a reason when the connection was lost.</summary>
    public event Action<StationClientState, string?>? StateChanged;

    /// <summary>Raised for every notification, on the receiving thread (keep handlers short).</summary>
    public event Action<StationNotification>? NotificationReceived;

    /// <summary>The result of the last hello (undefined before the first).</summary>
    public JsonElement LastHello { get; private set; }

    /// <summary>Successful reconnections after the first connection.</summary>
    public int Reconnects { get; private set; }

    /// <summary>The last reason the connection was lost or a reconnect failed.</summary>
    public string? LastError { get; private set; }

    /// <summary>True while the connection is up (the secure channel of it is available).</summary>
    public bool IsConnected => State == StationClientState.Connected;

    /// <summary>
    /// Connects for the first time (a failure here is thrown, so a command can tell the user at
    /// once); later losses are handled by reconnecting.
    /// </summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed == 1, this);
        if (_supervisor is not null) throw new InvalidOperationException("The client is already connected.");
        SetState(StationClientState.Connecting, null);
        Connection connection;
        try
        {
            connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            SetState(StationClientState.Disconnected, e.Message);
            throw;
        }
        _supervisor = SuperviseAsync(connection);
    }

    /// <summary>
    /// Calls <paramref name="method"/> with by-name <paramref name="parameters"/> and returns the
    /// result (an owned copy). Throws <see cref="JsonRpcException"/> for an error reply,
    /// <see cref="TimeoutException"/> when no reply (or no connection) comes in time, and
    /// <see cref="StationConnectionLostException"/> when the connection drops while waiting.
    /// </summary>
    public async Task<JsonElement> CallAsync(string method, object? parameters = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ObjectDisposedException.ThrowIf(_disposed == 1, this);
        var limit = timeout ?? _options.CallTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
        deadline.CancelAfter(limit);
        Connection connection;
        try
        {
            connection = await _connected.Task.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_disposing.IsCancellationRequested)
        {
            throw new TimeoutException($"'{method}' could not be sent: not connected to the station within {limit.TotalSeconds:0.#} s ({LastError ?? State.ToString()}).");
        }
        return await CallOnAsync(connection, method, parameters, limit, deadline.Token, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Remembers a call to replay after a reconnection when the station has forgotten this client
    /// (its hello says resumed: false), or after every reconnection with <paramref name="everyConnection"/>
    /// (for what the server keeps per connection, such as a room login: a resumed hello does not bring
    /// it back). A later call with the same key replaces it; order is kept.
    /// </summary>
    public void SetResumeCall(string key, string method, object? parameters = null, bool everyConnection = false) =>
        _resumeCalls.Set(key, method, parameters, everyConnection);

    public void RemoveResumeCall(string key) => _resumeCalls.Remove(key);

    /// <summary>The station's notifications as they arrive (the oldest are dropped for a reader that falls far behind).</summary>
    public async IAsyncEnumerable<StationNotification> ReadNotificationsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await _notifications.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            while (_notifications.Reader.TryRead(out var notification))
                yield return notification;
    }

    /// <summary>The current connection's keys (e.g. to derive SRTP keys); null while disconnected.</summary>
    public ISecureChannel? SecureChannel => _current?.Channel.Secure;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _disposing.Cancel();
        _current?.Channel.Connection.Abort("client closed");
        if (_supervisor is not null)
        {
            try
            {
                await _supervisor.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        if (_current is { } last) await last.Channel.DisposeAsync().ConfigureAwait(false);
        _notifications.Writer.TryComplete();
        SetState(StationClientState.Closed, "closed");
    }

    private async Task<JsonElement> CallOnAsync(Connection connection, string method, object? parameters, TimeSpan limit,
        CancellationToken deadline, CancellationToken callerToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        try
        {
            using (var request = JsonRpcWriter.Request(id, method, parameters))
                await connection.Channel.SendMessageAsync(request.Memory, deadline).ConfigureAwait(false);
            return await reply.Task.WaitAsync(deadline).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!callerToken.IsCancellationRequested && !_disposing.IsCancellationRequested)
        {
            throw new TimeoutException($"The station did not answer '{method}' within {limit.TotalSeconds:0.#} s.");
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException && e is not StationConnectionLostException)
        {
            throw new StationConnectionLostException($"The connection to the station was lost while sending '{method}': {e.Message}", e);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Connects, handshakes, starts receiving, says hello and replays resume calls when needed.</summary>
    private async Task<Connection> OpenAsync(CancellationToken cancellationToken)
    {
        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
        connectTimeout.CancelAfter(_options.ConnectTimeout);
        IFrameConnection frames;
        try
        {
            frames = await _transport.ConnectAsync(_options.EndPoint, _options.Frames, connectTimeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_disposing.IsCancellationRequested)
        {
            throw new TimeoutException($"Connecting to the station at {_options.EndPoint} timed out after {_options.ConnectTimeout.TotalSeconds:0.#} s.");
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new IOException($"Cannot reach the station at {_options.EndPoint}: {e.SocketErrorCode} (is `mooddj server` running there?).", e);
        }

        SecureMessageChannel channel;
        try
        {
            channel = await SecureMessageChannel.EstablishAsync(frames, _crypto, HandshakeRole.Client, _options.Frames, _options.Messages,
                _options.HandshakeTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await frames.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var connection = new Connection(channel);
        connection.Receiving = ReceiveLoopAsync(connection);
        try
        {
            var resumed = await HelloAsync(connection, cancellationToken).ConfigureAwait(false);
            await ReplayResumeCallsAsync(connection, resumed, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            connection.Channel.Connection.Abort("hello failed");
            await connection.Receiving.ConfigureAwait(false);
            await channel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        connection.Heartbeat = HeartbeatLoopAsync(connection);
        _current = connection;
        _connected.TrySetResult(connection);
        SetState(StationClientState.Connected, null);
        return connection;
    }

    /// <summary>Says hello; true when the station still knew this client (nothing to replay).</summary>
    private async Task<bool> HelloAsync(Connection connection, CancellationToken cancellationToken)
    {
        if (_options.HelloMethod is null) return false;
        var hello = await CallOnAsync(connection, _options.HelloMethod,
            new HelloParams(_options.ClientName, _resumeToken, _options.Station), _options.CallTimeout, Linked(cancellationToken, _options.CallTimeout), cancellationToken).ConfigureAwait(false);
        LastHello = hello;
        if (hello.ValueKind == JsonValueKind.Object)
        {
            if (hello.TryGetProperty("resumeToken", out var token) && token.ValueKind == JsonValueKind.String)
                _resumeToken = token.GetString();
            return hello.TryGetProperty("resumed", out var resumed) && resumed.ValueKind == JsonValueKind.True;
        }
        return false;
    }

    private async Task ReplayResumeCallsAsync(Connection connection, bool resumed, CancellationToken cancellationToken)
    {
        foreach (var call in _resumeCalls.Snapshot())
        {
            if (resumed && !call.EveryConnection) continue;
            try
            {
                await CallOnAsync(connection, call.Method, call.Params, _options.CallTimeout, Linked(cancellationToken, _options.CallTimeout), cancellationToken).ConfigureAwait(false);
            }
            catch (JsonRpcException e)
            {
                // The station refused to restore this part (e.g. a prompt it cannot serve now): keep going.
                _logger.LogWarning("Resuming '{Method}' failed: {Message}", call.Method, e.Message);
            }
        }
    }

    private static CancellationToken Linked(CancellationToken token, TimeSpan timeout)
    {
        // The source is left to the GC: it lives only as long as one call on a reconnect path.
        var source = CancellationTokenSource.CreateLinkedTokenSource(token);
        source.CancelAfter(timeout);
        return source.Token;
    }

    private async Task ReceiveLoopAsync(Connection connection)
    {
        await Task.Yield();
        string reason = "the station closed the connection";
        try
        {
            while (true)
            {
                using var message = await connection.Channel.ReceiveMessageAsync().ConfigureAwait(false);
                if (message is null) break;
                using var rpc = JsonRpcMessage.Parse(message.Memory);
                switch (rpc.Kind)
                {
                    case JsonRpcMessageKind.Response:
                        if (rpc.Id.ValueKind == JsonValueKind.Number && rpc.Id.TryGetInt64(out var id) && _pending.TryRemove(id, out var reply))
                        {
                            if (rpc.Error is { } error)
                                reply.TrySetException(new JsonRpcException(error.Code, error.Message, error.Data?.Clone()));
                            else
                                reply.TrySetResult(rpc.Result.Clone());
                        }
                        break;
                    case JsonRpcMessageKind.Notification:
                        Publish(new StationNotification(rpc.Method!, rpc.Params.ValueKind == JsonValueKind.Undefined ? default : rpc.Params.Clone()));
                        break;
                    default:
                        _logger.LogDebug("Ignored a {Kind} message from the station.", rpc.Kind);
                        break;
                }
            }
        }
        catch (Exception e)
        {
            reason = e.Message;
        }
        finally
        {
            connection.LostReason = reason;
            ForgetConnection(connection);
            connection.Lost.Cancel();
            var lost = new StationConnectionLostException($"The connection to the station was lost: {reason}");
            foreach (var pending in _pending.Values) pending.TrySetException(lost);
        }
    }

    private void Publish(StationNotification notification)
    {
        _notifications.Writer.TryWrite(notification);
        try
        {
            NotificationReceived?.Invoke(notification);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "A NotificationReceived handler failed.");
        }
    }

    private async Task HeartbeatLoopAsync(Connection connection)
    {
        if (_options.HeartbeatInterval == Timeout.InfiniteTimeSpan) return;
        try
        {
            while (true)
            {
                await Task.Delay(_options.HeartbeatInterval, connection.Lost.Token).ConfigureAwait(false);
                try
                {
                    using var deadline = CancellationTokenSource.CreateLinkedTokenSource(connection.Lost.Token);
                    deadline.CancelAfter(_options.HeartbeatTimeout);
                    await CallOnAsync(connection, StationMethods.Ping, null, _options.HeartbeatTimeout, deadline.Token, connection.Lost.Token).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    connection.Channel.Connection.Abort($"no answer to a ping within {_options.HeartbeatTimeout.TotalSeconds:0.#} s");
                    return;
                }
                catch (StationConnectionLostException)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Waits for each connection to end, then reconnects with backoff until disposed.</summary>
    private async Task SuperviseAsync(Connection connection)
    {
        while (true)
        {
            await connection.Receiving!.ConfigureAwait(false);
            if (connection.Heartbeat is not null) await connection.Heartbeat.ConfigureAwait(false);
            ForgetConnection(connection);
            LastError = connection.LostReason;
            if (_disposing.IsCancellationRequested) return;
            _current = null;
            await connection.Channel.DisposeAsync().ConfigureAwait(false);
            if (!_options.AutoReconnect)
            {
                SetState(StationClientState.Closed, connection.LostReason);
                return;
            }
            SetState(StationClientState.Reconnecting, connection.LostReason);
            _logger.LogWarning("Lost the station ({Reason}); reconnecting.", connection.LostReason);
            Connection? next = null;
            for (var attempt = 0; next is null; attempt++)
            {
                try
                {
                    await Task.Delay(Backoff(attempt), _disposing.Token).ConfigureAwait(false);
                    next = await OpenAsync(_disposing.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_disposing.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    LastError = e.Message;
                    _logger.LogDebug("Reconnect attempt {Attempt} failed: {Message}", attempt + 1, e.Message);
                }
            }
            Reconnects++;
            _logger.LogInformation("Reconnected to the station (attempt {Count}).", Reconnects);
            connection = next;
        }
    }

    /// <summary>Exponential backoff with "equal jitter": half fixed, half random, so clients spread out.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(_options.ReconnectMaxDelay.TotalMilliseconds,
            _options.ReconnectInitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 20)));
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }

    private void SetState(StationClientState state, string? reason)
    {
        State = state;
        try
        {
            StateChanged?.Invoke(state, reason);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "A StateChanged handler failed.");
        }
    }

    /// <summary>Makes new calls wait for the next connection instead of using this lost one.</summary>
    private void ForgetConnection(Connection connection)
    {
        var signal = _connected;
        if (signal.Task.IsCompletedSuccessfully && signal.Task.Result == connection)
            Interlocked.CompareExchange(ref _connected, NewConnectedSignal(), signal);
    }

    private static TaskCompletionSource<Connection> NewConnectedSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Connection(SecureMessageChannel channel)
    {
        public SecureMessageChannel Channel { get; } = channel;
        public CancellationTokenSource Lost { get; } = new();
        public Task? Receiving { get; set; }
        public Task? Heartbeat { get; set; }
        public string? LostReason { get; set; }
    }
}
