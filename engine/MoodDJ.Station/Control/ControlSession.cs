using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MoodDJ.Abstractions.Crypto;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Protocol;
using MoodDJ.Hosting;

namespace MoodDJ.Station;

// Over 300 lines on purpose: the receive loop, the send loop, dispatch and the idle timer share one
// close state and one bounded queue; split apart they would pass that state between them.

/// <summary>
/// One client's control session after its handshake: reads requests and hands them to the
/// handler, sends replies and notifications through a bounded queue (a client that stops reading
/// overflows it and is dropped, without delaying anyone else), and drops the client when idle.
/// </summary>
public sealed class ControlSession
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    private readonly SecureMessageChannel _channel;
    private readonly ControlServerOptions _options;
    private readonly ControlServerStats _stats;
    private readonly ILogger _logger;
    private readonly Channel<PooledMessage> _sendQueue;
    private readonly CancellationTokenSource _closed = new();
    private readonly SemaphoreSlim _requestSlots;
    private readonly Timer _idleTimer;
    private long _queuedBytes;
    private int _closing;

    internal ControlSession(long id, SecureMessageChannel channel, ControlServerOptions options, ControlServerStats stats, ILogger logger)
    {
        Id = id;
        _channel = channel;
        _options = options;
        _stats = stats;
        _logger = logger;
        RemoteEndPoint = channel.Connection.RemoteEndPoint;
        Closed = _closed.Token;
        _sendQueue = Channel.CreateBounded<PooledMessage>(new BoundedChannelOptions(options.SendQueueMessages)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _requestSlots = new SemaphoreSlim(options.MaxConcurrentRequests, options.MaxConcurrentRequests);
        _idleTimer = new Timer(static s => ((ControlSession)s!).OnIdle(), this, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>Unique per server, in order of arrival.</summary>
    public long Id { get; }

    public EndPoint RemoteEndPoint { get; }

    /// <summary>The connection's keys (e.g. to derive SRTP keys with ExportKeyingMaterial).</summary>
    public ISecureChannel SecureChannel => _channel.Secure;

    /// <summary>Cancelled when the session closes for any reason.</summary>
    public CancellationToken Closed { get; }

    /// <summary>Why the session closed, or null while open.</summary>
    public string? CloseReason { get; private set; }

    /// <summary>Why the server dropped the session; null while open or when the client closed it.</summary>
    public ControlDropReason? DropReason { get; private set; }

    /// <summary>The handler's own per-session data.</summary>
    public ConcurrentDictionary<string, object?> Items { get; } = new(StringComparer.Ordinal);

    /// <summary>Messages queued for sending now.</summary>
    public int QueuedMessages => _sendQueue.Reader.Count;

    /// <summary>
    /// Queues a notification; never waits for the client. Returns false when the session is closed
    /// or was just dropped because its queue overflowed.
    /// </summary>
    public ValueTask<bool> NotifyAsync(string method, object? parameters = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        if (Closed.IsCancellationRequested) return ValueTask.FromResult(false);
        var queued = Enqueue(JsonRpcWriter.Notification(method, parameters));
        if (queued) _stats.OnNotification();
        return ValueTask.FromResult(queued);
    }

    /// <summary>Queues an already serialized notification (a copy of <paramref name="message"/>).</summary>
    internal bool NotifyRaw(ReadOnlySpan<byte> message)
    {
        if (Closed.IsCancellationRequested) return false;
        var queued = Enqueue(PooledMessage.CopyOf(message));
        if (queued) _stats.OnNotification();
        return queued;
    }

    /// <summary>Closes the session on the handler's behalf.</summary>
    public void Close(string reason) => Drop(ControlDropReason.ClosedByHandler, reason);

    internal async Task RunAsync(IControlHandler handler)
    {
        ResetIdleTimer();
        var sending = SendLoopAsync();
        await ReceiveLoopAsync(handler).ConfigureAwait(false);
        await sending.ConfigureAwait(false);
        // Wait for requests still running so none writes to a disposed channel.
        for (var i = 0; i < _options.MaxConcurrentRequests; i++)
            await _requestSlots.WaitAsync().ConfigureAwait(false);
        await _idleTimer.DisposeAsync().ConfigureAwait(false);
        while (_sendQueue.Reader.TryRead(out var left)) left.Dispose();
    }

    internal void Drop(ControlDropReason reason, string detail) => CloseWith(reason, detail);

    private void CloseWith(ControlDropReason? reason, string detail)
    {
        if (Interlocked.Exchange(ref _closing, 1) == 1) return;
        CloseReason = detail;
        DropReason = reason;
        if (reason is { } r)
        {
            _stats.OnDropped(r, $"session {Id} ({RemoteEndPoint}): {detail}");
            _logger.LogInformation("Control session {Id} from {Remote} dropped ({Reason}): {Detail}", Id, RemoteEndPoint, r, detail);
        }
        else
        {
            _stats.OnClosedByPeer();
            _logger.LogDebug("Control session {Id} from {Remote} closed: {Detail}", Id, RemoteEndPoint, detail);
        }
        _sendQueue.Writer.TryComplete();
        _channel.Connection.Abort(detail);
        try
        {
            _closed.Cancel();
        }
        catch (AggregateException e)
        {
            _logger.LogWarning(e, "A callback on session {Id}'s Closed token failed.", Id);
        }
    }

    private static bool IsPeerClose(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionReset
                    or System.Net.Sockets.SocketError.ConnectionAborted or System.Net.Sockets.SocketError.Shutdown }
                || x is EndOfStreamException)
                return true;
        return false;
    }

    private void OnIdle() => Drop(ControlDropReason.IdleTimeout,
        $"nothing received for {_options.IdleTimeout.TotalSeconds:0.###} s (send a ping to stay connected)");

    private void ResetIdleTimer()
    {
        if (_options.IdleTimeout != Timeout.InfiniteTimeSpan)
            _idleTimer.Change(_options.IdleTimeout, Timeout.InfiniteTimeSpan);
    }

    private bool Enqueue(PooledMessage message)
    {
        var bytes = Interlocked.Add(ref _queuedBytes, message.Length);
        if (bytes > _options.SendQueueBytes || !_sendQueue.Writer.TryWrite(message))
        {
            Interlocked.Add(ref _queuedBytes, -message.Length);
            message.Dispose();
            if (!Closed.IsCancellationRequested)
                Drop(ControlDropReason.SendQueueOverflow,
                    $"the client is not reading: its send queue passed {_options.SendQueueMessages} messages or {_options.SendQueueBytes} bytes");
            return false;
        }
        return true;
    }

    private async Task SendLoopAsync()
    {
        var reader = _sendQueue.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var message))
                {
                    try
                    {
                        await _channel.SendMessageAsync(message.Memory, Closed).ConfigureAwait(false);
                    }
                    finally
                    {
                        Interlocked.Add(ref _queuedBytes, -message.Length);
                        message.Dispose();
                    }
                }
            }
        }
        catch (Exception) when (Closed.IsCancellationRequested)
        {
        }
        catch (Exception e) when (IsPeerClose(e))
        {
            CloseWith(null, "the client closed the connection");
        }
        catch (Exception e)
        {
            Drop(ControlDropReason.ConnectionError, $"send failed: {e.Message}");
        }
    }

    private async Task ReceiveLoopAsync(IControlHandler handler)
    {
        while (!Closed.IsCancellationRequested)
        {
            PooledMessage? message;
            try
            {
                message = await _channel.ReceiveMessageAsync().ConfigureAwait(false);
            }
            catch (Exception) when (Closed.IsCancellationRequested)
            {
                return;
            }
            catch (FrameProtocolException e)
            {
                Drop(ControlDropReason.FrameProtocol, e.Message);
                return;
            }
            catch (ControlProtocolException e)
            {
                Drop(e.Reason, e.Message);
                return;
            }
            catch (Exception e) when (IsPeerClose(e))
            {
                // A client that exits (mooddj send) resets the connection: a normal end, not an error.
                CloseWith(null, "the client closed the connection");
                return;
            }
            catch (Exception e)
            {
                Drop(ControlDropReason.ConnectionError, e.Message);
                return;
            }
            if (message is null)
            {
                CloseWith(null, "the client closed the connection");
                return;
            }
            ResetIdleTimer();
            try
            {
                await _requestSlots.WaitAsync(Closed).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                message.Dispose();
                return;
            }
            _ = DispatchAsync(handler, message);
        }
    }

    private async Task DispatchAsync(IControlHandler handler, PooledMessage message)
    {
        JsonRpcMessage? rpc = null;
        try
        {
            rpc = JsonRpcMessage.Parse(message.Memory);
            switch (rpc.Kind)
            {
                case JsonRpcMessageKind.Invalid:
                    _stats.OnInvalidMessage();
                    Enqueue(JsonRpcWriter.Error(rpc.Id, new JsonRpcError(rpc.InvalidCode, rpc.InvalidReason!)));
                    return;
                case JsonRpcMessageKind.Response:
                    return; // The server sends no requests; a stray response is ignored.
            }
            _stats.OnRequest();
            var isRequest = rpc.Kind == JsonRpcMessageKind.Request;
            try
            {
                JsonElement? result = rpc.Method == StationMethods.Ping
                    ? EmptyObject
                    : await handler.HandleAsync(this, rpc.Method!, rpc.Params, Closed).ConfigureAwait(false);
                if (isRequest) EnqueueReply(rpc.Id, result);
            }
            catch (JsonRpcException e)
            {
                if (isRequest) Enqueue(JsonRpcWriter.Error(rpc.Id, e.ToError()));
            }
            catch (OperationCanceledException) when (Closed.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Control method {Method} failed for session {Id}.", rpc.Method, Id);
                if (isRequest)
                    Enqueue(JsonRpcWriter.Error(rpc.Id, new JsonRpcError(JsonRpcErrorCodes.InternalError, $"'{rpc.Method}' failed: {e.Message}")));
            }
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Dispatch failed for session {Id}.", Id);
        }
        finally
        {
            rpc?.Dispose();
            message.Dispose();
            _requestSlots.Release();
        }
    }

    private void EnqueueReply(JsonElement id, JsonElement? result)
    {
        var reply = JsonRpcWriter.Result(id, result);
        if (reply.Length > _options.Messages.MaxMessageBytes)
        {
            var size = reply.Length;
            reply.Dispose();
            reply = JsonRpcWriter.Error(id, new JsonRpcError(JsonRpcErrorCodes.TooLarge,
                $"The result is {size} bytes, over the message limit of {_options.Messages.MaxMessageBytes} bytes."));
        }
        Enqueue(reply);
    }
}
