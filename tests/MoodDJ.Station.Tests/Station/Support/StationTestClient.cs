using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using MoodDJ.Abstractions.Crypto;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Protocol;
using MoodDJ.Station;

namespace MoodDJ.Station.Tests.Station.Support;

/// <summary>
/// A bare JSON-RPC client over the real control channel (tcp + crypto handshake + sealed frames):
/// requests by id, notifications collected in order. Deliberately simple so tests see the wire.
/// </summary>
internal sealed class StationTestClient : IAsyncDisposable
{
    private readonly SecureMessageChannel _channel;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly Channel<(string Method, JsonElement Params)> _events = Channel.CreateUnbounded<(string, JsonElement)>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private long _nextId;

    private StationTestClient(SecureMessageChannel channel)
    {
        _channel = channel;
        _reader = Task.Run(ReadLoopAsync);
    }

    public static TimeSpan Patience { get; } = TimeSpan.FromSeconds(20);

    public ISecureChannel Secure => _channel.Secure;

    public static async Task<StationTestClient> ConnectAsync(EndPoint endPoint, IControlTransport transport, ICryptoProvider crypto)
    {
        var connection = await transport.ConnectAsync(endPoint, ControlLimits.Default);
        var channel = await SecureMessageChannel.EstablishAsync(connection, crypto, HandshakeRole.Client,
            ControlLimits.Default, MessageLimits.Default, TimeSpan.FromSeconds(10));
        return new StationTestClient(channel);
    }

    public static Task<StationTestClient> ConnectAsync(StationHarness harness) =>
        ConnectAsync(harness.Station.ControlEndPoint, harness.Engine.ControlTransport, harness.Engine.Crypto);

    /// <summary>Calls <paramref name="method"/>; returns the result, or throws <see cref="JsonRpcException"/> with the error.</summary>
    public async Task<JsonElement> CallAsync(string method, object? parameters = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        using (var request = JsonRpcWriter.Request(id, method, parameters))
            await _channel.SendMessageAsync(request.Memory);
        var message = await reply.Task.WaitAsync(Patience);
        if (message.TryGetProperty("error", out var error))
            throw new JsonRpcException(error.GetProperty("code").GetInt32(), error.GetProperty("message").GetString() ?? "");
        return message.GetProperty("result");
    }

    /// <summary>Waits for the next notification named <paramref name="method"/> (others are skipped).</summary>
    public async Task<JsonElement> NextEventAsync(string method, Func<JsonElement, bool>? match = null)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var (name, parameters) = await _events.Reader.ReadAsync(timeout.Token);
            if (name == method && (match is null || match(parameters)))
                return parameters;
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                using var message = await _channel.ReceiveMessageAsync(_stop.Token);
                if (message is null) break;
                using var doc = JsonDocument.Parse(message.Memory);
                var root = doc.RootElement.Clone();
                if (root.TryGetProperty("method", out var method))
                    _events.Writer.TryWrite((method.GetString()!, root.TryGetProperty("params", out var p) ? p : default));
                else if (root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number && _pending.TryRemove(id.GetInt64(), out var waiter))
                    waiter.TrySetResult(root);
            }
        }
        catch (Exception) { }
        foreach (var waiter in _pending.Values)
            waiter.TrySetException(new IOException("The control connection closed."));
        _events.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _channel.DisposeAsync();
        try { await _reader; } catch { }
    }
}
