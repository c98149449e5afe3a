using System.Net;

namespace MoodDJ.Abstractions.Transport;

/// <summary>Unreliable datagrams for the audio stream (RTP/SRTP). Kind: "stream-transport".</summary>
public interface IStreamTransport
{
    /// <summary>Opens a datagram socket as <paramref name="options"/> describe.</summary>
    IDatagramSocket Open(DatagramSocketOptions options);
}

public sealed record DatagramSocketOptions
{
    /// <summary>Local address and port (port 0 picks a free port).</summary>
    public required IPEndPoint LocalEndPoint { get; init; }

    /// <summary>A multicast group to join, for LAN streaming; null for unicast.</summary>
    public IPAddress? MulticastGroup { get; init; }

    /// <summary>The local interface address for multicast (join and send); null lets the OS choose.</summary>
    public IPAddress? MulticastInterface { get; init; }

    public int MulticastTimeToLive { get; init; } = 1;

    /// <summary>Whether this host's own multicast datagrams come back to it (players on the same machine).</summary>
    public bool MulticastLoopback { get; init; } = true;

    /// <summary>OS receive buffer; bursts on loopback drop datagrams at the default size.</summary>
    public int ReceiveBufferBytes { get; init; } = 1 << 20;

    public int SendBufferBytes { get; init; } = 1 << 20;
}

public interface IDatagramSocket : IDisposable
{
    IPEndPoint LocalEndPoint { get; }

    ValueTask SendToAsync(ReadOnlyMemory<byte> datagram, EndPoint remote, CancellationToken cancellationToken = default);

    /// <summary>Receives one datagram into <paramref name="buffer"/>.</summary>
    ValueTask<DatagramReceived> ReceiveFromAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends to an already serialized address: the allocation-free path for a sender that keeps one
    /// <see cref="SocketAddress"/> per listener (<c>endPoint.Serialize()</c> once).
    /// </summary>
    ValueTask SendToAsync(ReadOnlyMemory<byte> datagram, SocketAddress remote, CancellationToken cancellationToken = default);

    /// <summary>
    /// Receives one datagram and writes the sender's address into <paramref name="remote"/> (a reusable
    /// buffer from <see cref="CreateAddressBuffer"/>): the allocation-free receive path. Returns the length.
    /// </summary>
    ValueTask<int> ReceiveFromAsync(Memory<byte> buffer, SocketAddress remote, CancellationToken cancellationToken = default);

    /// <summary>A <see cref="SocketAddress"/> sized for this socket's address family, for <see cref="ReceiveFromAsync(Memory{byte}, SocketAddress, CancellationToken)"/>.</summary>
    SocketAddress CreateAddressBuffer();
}

public readonly record struct DatagramReceived(int Length, EndPoint RemoteEndPoint);
