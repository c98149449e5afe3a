using MoodDJ.Abstractions.Crypto;
using MoodDJ.Abstractions.Transport;

namespace MoodDJ.Protocol;

/// <summary>
/// Runs a crypto handshake over a frame connection: each handshake message is one unsealed frame.
/// Keeps the peer's first message so a failed handshake can tell which scheme the peer speaks.
/// </summary>
internal sealed class FrameHandshakeTransport(IFrameConnection connection, int maxFrameBytes, bool detectRefusal) : IHandshakeTransport
{
    /// <summary>The first handshake message the peer sent, or null before one arrived.</summary>
    public byte[]? FirstReceived { get; private set; }

    public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
        => connection.SendFrameAsync(message, cancellationToken);

    public async ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        using var buffer = new FrameBuffer(maxFrameBytes);
        if (!await connection.ReceiveFrameAsync(buffer, cancellationToken).ConfigureAwait(false))
            throw new IOException($"{connection.RemoteEndPoint} closed the connection during the handshake.");
        if (detectRefusal && RefusalFrame.TryRead(buffer.WrittenSpan, out var code, out var message, out var data))
            throw new ControlRefusedException(code, $"The station refused the connection: {message}", data);
        var received = buffer.WrittenSpan.ToArray();
        FirstReceived ??= received;
        return received;
    }
}
