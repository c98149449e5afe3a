using MoodDJ.Protocol.Messages;
using System.Net;
using System.Text.Json;
using MoodDJ.Abstractions.Crypto;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Protocol;
using MoodDJ.Station;
using MoodDJ.Plugins.AeadCrypto;
using MoodDJ.Plugins.NoCrypto;
using MoodDJ.Plugins.TcpControl;

namespace MoodDJ.Station.Tests.Control;

/// <summary>Real parts for control tests: the tcp transport, the none/aead crypto plugins, servers on 127.0.0.1:0.</summary>
internal static class ControlTestKit
{
    public static readonly byte[] StationKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    public static readonly byte[] OtherKey = Enumerable.Range(101, 32).Select(i => (byte)i).ToArray();

    public static TimeSpan Patience { get; } = TimeSpan.FromSeconds(20);

    public static IControlTransport Tcp { get; } = new TcpControlTransport();

    public static ICryptoProvider Aead(byte[]? key = null) => new AeadCryptoProvider(new AeadOptions(key ?? StationKey));

    public static ICryptoProvider None() => new NoCryptoProvider();

    public static ControlServerOptions Options(Func<ControlServerOptions, ControlServerOptions>? tweak = null)
    {
        var options = new ControlServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) };
        return tweak is null ? options : tweak(options);
    }

    public static async Task<ControlServer> StartServerAsync(ICryptoProvider crypto, IControlHandler? handler = null, ControlServerOptions? options = null)
    {
        var server = new ControlServer(Tcp, crypto, handler ?? new EchoHandler(), options ?? Options());
        await server.StartAsync();
        return server;
    }

    /// <summary>A connected client channel after a real handshake (the test drives frames itself).</summary>
    public static async Task<SecureMessageChannel> ConnectAsync(ControlServer server, ICryptoProvider crypto, ControlLimits? frames = null, MessageLimits? messages = null)
    {
        var connection = await Tcp.ConnectAsync(server.LocalEndPoint, frames ?? server.Options.Frames);
        return await SecureMessageChannel.EstablishAsync(connection, crypto, HandshakeRole.Client,
            frames ?? server.Options.Frames, messages ?? server.Options.Messages, TimeSpan.FromSeconds(10));
    }

    /// <summary>Sends a request and returns the first response (notifications before it are skipped).</summary>
    public static async Task<JsonElement> CallAsync(SecureMessageChannel channel, long id, string method, object? parameters = null)
    {
        using (var request = JsonRpcWriter.Request(id, method, parameters))
            await channel.SendMessageAsync(request.Memory);
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            using var message = await channel.ReceiveMessageAsync(timeout.Token) ?? throw new IOException("The server closed the connection.");
            using var doc = JsonDocument.Parse(message.Memory);
            if (doc.RootElement.TryGetProperty("id", out var replyId) && replyId.ValueKind == JsonValueKind.Number && replyId.GetInt64() == id)
                return doc.RootElement.Clone();
        }
    }

    /// <summary>True once the peer has closed <paramref name="channel"/> (a receive ends or fails).</summary>
    public static async Task<bool> IsClosedByPeerAsync(SecureMessageChannel channel)
    {
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            while (true)
            {
                using var message = await channel.ReceiveMessageAsync(timeout.Token);
                if (message is null) return true;
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (Exception)
        {
            return true;
        }
    }

    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting until {what}.");
            await Task.Delay(20);
        }
    }
}

/// <summary>
/// A test double for the station's handler: echoes params, returns large payloads, pushes
/// notifications, fails on request. The sockets, framing and crypto around it are real.
/// </summary>
internal sealed class EchoHandler : IControlHandler
{
    public int Opened;
    public int ClosedCount;
    public readonly List<string> Methods = new();
    private readonly HashSet<string> _tokens = new();

    public string[] MethodsSoFar()
    {
        lock (Methods) return Methods.ToArray();
    }

    public async ValueTask<JsonElement?> HandleAsync(ControlSession session, string method, JsonElement parameters, CancellationToken cancellationToken)
    {
        lock (Methods) Methods.Add(method);
        switch (method)
        {
            case StationMethods.Hello:
            {
                // Like the station: a token per client; a known token resumes.
                var given = parameters.TryGetProperty("resumeToken", out var t) ? t.GetString() : null;
                bool resumed;
                string token;
                lock (_tokens)
                {
                    resumed = given is not null && _tokens.Contains(given);
                    token = resumed ? given! : $"token-{Guid.NewGuid():N}";
                    _tokens.Add(token);
                }
                return JsonSerializer.SerializeToElement(new { resumeToken = token, resumed });
            }
            case "hang":
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return null;
            case "kick":
                session.Close("kicked by the test");
                return null;
            case "echo":
            case StationMethods.Prompt:
                return parameters.ValueKind == JsonValueKind.Undefined ? null : parameters.Clone();
            case "blob":
            {
                var size = parameters.GetProperty("size").GetInt32();
                return JsonSerializer.SerializeToElement(new { data = new string('x', size) });
            }
            case "notify":
            {
                var count = parameters.GetProperty("count").GetInt32();
                var size = parameters.TryGetProperty("size", out var s) ? s.GetInt32() : 16;
                var text = new string('n', size);
                for (var i = 0; i < count; i++)
                    await session.NotifyAsync("tick", new { i, text }, cancellationToken);
                return JsonSerializer.SerializeToElement(new { sent = count });
            }
            case "fail":
                throw new InvalidOperationException("the handler failed on purpose");
            case "reject":
                throw new JsonRpcException(JsonRpcErrorCodes.InvalidState, "not now");
            case "session":
                return JsonSerializer.SerializeToElement(new { id = session.Id, encrypted = session.SecureChannel.IsEncrypted });
            default:
                throw JsonRpcException.MethodNotFound(method);
        }
    }

    public ValueTask OnSessionOpenedAsync(ControlSession session)
    {
        Interlocked.Increment(ref Opened);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnSessionClosedAsync(ControlSession session)
    {
        Interlocked.Increment(ref ClosedCount);
        return ValueTask.CompletedTask;
    }
}
