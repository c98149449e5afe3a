using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using MoodDJ.Abstractions.Crypto;
using MoodDJ.Plugins.AeadCrypto;

namespace MoodDJ.Crypto.Tests;

/// <summary>The aead handshake and sealed frames over a real TCP connection on 127.0.0.1.</summary>
public class AeadOverTcpTests
{
    /// <summary>Length-prefixed frames (u32 big-endian) on a stream: the shape of the control channel.</summary>
    private sealed class TcpFrames(NetworkStream stream) : IHandshakeTransport
    {
        public async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
        {
            var header = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(header, (uint)message.Length);
            await stream.WriteAsync(header, cancellationToken);
            await stream.WriteAsync(message, cancellationToken);
        }

        public async ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken = default)
        {
            var header = new byte[4];
            await stream.ReadExactlyAsync(header, cancellationToken);
            var length = BinaryPrimitives.ReadUInt32BigEndian(header);
            if (length > 65_536) throw new InvalidDataException($"frame of {length} bytes exceeds the test limit");
            var body = new byte[length];
            await stream.ReadExactlyAsync(body, cancellationToken);
            return body;
        }
    }

    [Fact]
    public async Task A_client_and_server_on_loopback_handshake_and_exchange_sealed_frames()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var provider = new AeadCryptoProvider(new AeadOptions(key));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var cts = new CancellationTokenSource(Handshakes.Generous);

        var serverTask = Task.Run(async () =>
        {
            using var socket = await listener.AcceptTcpClientAsync(cts.Token);
            var frames = new TcpFrames(socket.GetStream());
            using var channel = await provider.HandshakeAsync(frames, HandshakeRole.Server, cts.Token);
            for (var i = 0; i < 10; i++)
            {
                var sealedFrame = await frames.ReceiveAsync(cts.Token);
                var opened = new byte[sealedFrame.Length];
                if (!channel.TryOpen(sealedFrame.Span, opened, out var n, out var error)) throw new InvalidOperationException(error);
                var reply = new byte[n + channel.Overhead];
                await frames.SendAsync(reply.AsMemory(0, channel.Seal(opened.AsSpan(0, n), reply)), cts.Token); // echo
            }
        });

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, cts.Token);
        var clientFrames = new TcpFrames(client.GetStream());
        using var secure = await provider.HandshakeAsync(clientFrames, HandshakeRole.Client, cts.Token);
        for (var i = 0; i < 10; i++)
        {
            var message = RandomNumberGenerator.GetBytes(100 * i + 1);
            var sealedFrame = new byte[message.Length + secure.Overhead];
            await clientFrames.SendAsync(sealedFrame.AsMemory(0, secure.Seal(message, sealedFrame)), cts.Token);
            var echoed = await clientFrames.ReceiveAsync(cts.Token);
            var opened = new byte[echoed.Length];
            Assert.True(secure.TryOpen(echoed.Span, opened, out var n, out var error), error);
            Assert.Equal(message, opened[..n]);
        }
        await serverTask;
    }

    [Fact]
    public async Task A_wrong_key_over_tcp_fails_on_both_ends()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var cts = new CancellationTokenSource(Handshakes.Generous);
        var serverTask = Task.Run(async () =>
        {
            using var socket = await listener.AcceptTcpClientAsync(cts.Token);
            await new AeadCryptoProvider(new AeadOptions(RandomNumberGenerator.GetBytes(32)))
                .HandshakeAsync(new TcpFrames(socket.GetStream()), HandshakeRole.Server, cts.Token);
        });
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, cts.Token);
        var clientError = await Assert.ThrowsAsync<CryptoHandshakeException>(async () =>
            await new AeadCryptoProvider(new AeadOptions(RandomNumberGenerator.GetBytes(32)))
                .HandshakeAsync(new TcpFrames(client.GetStream()), HandshakeRole.Client, cts.Token));
        var serverError = await Assert.ThrowsAsync<CryptoHandshakeException>(() => serverTask);
        Assert.Contains("Wrong station key", clientError.Message);
        Assert.Contains("Wrong station key", serverError.Message);
    }
}
