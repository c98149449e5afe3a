using MoodDJ.Abstractions.Crypto;
using MoodDJ.Abstractions.Transport;

namespace MoodDJ.Protocol;

/// <summary>Runs a crypto handshake over a frame connection: each handshake message is one unsealed frame.</summary>
internal sealed class FrameHandshakeTransport(IFrameConnection connection, int maxFrameBytes, bool detectRefusal) : IHandshakeTransport
{
    public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
        => connection.SendFrameAsync(message, cancellationToken);

    public async ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        using var buffer = new FrameBuffer(maxFrameBytes);
        if (!await connection.ReceiveFrameAsync(buffer, cancellationToken).ConfigureAwait(false))
            throw new IOException($"{connection.RemoteEndPoint} closed the connection during the handshake.");
        if (detectRefusal && RefusalFrame.TryRead(buffer.WrittenSpan, out var code, out var message))
            throw new ControlRefusedException(code, $"The station refused the connection: {message}");
        return buffer.WrittenSpan.ToArray();
    }
}
