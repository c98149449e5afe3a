using System.Buffers;
using System.Net;

namespace MoodDJ.Abstractions.Transport;

/// <summary>A reliable, framed, ordered channel for control messages. Kind: "control-transport".</summary>
public interface IControlTransport
{
    /// <summary>Starts listening on <paramref name="endPoint"/> (port 0 picks a free port).</summary>
    ValueTask<IControlListener> ListenAsync(IPEndPoint endPoint, ControlLimits limits, CancellationToken cancellationToken = default);

    ValueTask<IFrameConnection> ConnectAsync(EndPoint endPoint, ControlLimits limits, CancellationToken cancellationToken = default);
}

/// <summary>Limits that keep one peer from making the other allocate without bound.</summary>
public sealed record ControlLimits
{
    /// <summary>Largest frame on the wire, header excluded.</summary>
    public int MaxFrameBytes { get; init; } = 64 * 1024;

    /// <summary>How many frames may wait to be sent before the connection counts as stalled and is dropped.</summary>
    public int MaxQueuedFrames { get; init; } = 256;

    public static ControlLimits Default { get; } = new();
}

public interface IControlListener : IAsyncDisposable
{
    EndPoint LocalEndPoint { get; }

    /// <summary>The next connection, or null once the listener is stopped.</summary>
    ValueTask<IFrameConnection?> AcceptAsync(CancellationToken cancellationToken = default);
}

/// <summary>One framed connection. Send and receive may run concurrently with each other.</summary>
public interface IFrameConnection : IAsyncDisposable
{
    EndPoint RemoteEndPoint { get; }

    /// <summary>Cancelled when the connection closes for any reason.</summary>
    CancellationToken Closed { get; }

    ValueTask SendFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the next frame into <paramref name="destination"/>. Returns false when the peer closed
    /// cleanly; throws <see cref="FrameProtocolException"/> for an oversized or malformed frame.
    /// </summary>
    ValueTask<bool> ReceiveFrameAsync(IBufferWriter<byte> destination, CancellationToken cancellationToken = default);

    /// <summary>Closes the connection at once, recording why.</summary>
    void Abort(string reason);
}

/// <summary>The peer broke the framing rules (frame too large, truncated header…).</summary>
public class FrameProtocolException(string message) : Exception(message);

/// <summary>The local address a listener asked for is taken by another socket.</summary>
public class AddressInUseException(string message, Exception? inner = null) : IOException(message, inner);
