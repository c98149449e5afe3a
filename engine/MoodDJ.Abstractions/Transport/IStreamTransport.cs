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

    public int MulticastTimeToLive { get; init; } = 1;

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
}

public readonly record struct DatagramReceived(int Length, EndPoint RemoteEndPoint);
