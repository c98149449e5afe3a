using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace MoodDJ.Station.Rtsp;

/// <summary>
/// One player's RTSP session: the station it set up, how its packets travel (UDP to the client's port
/// pair at the address its RTSP connection came from, or interleaved on that connection), and when it
/// was last heard from. The pump calls <see cref="SendRtp"/> on every frame while it plays.
/// </summary>
public sealed class RtspSession
{
    private readonly RtspUdpPorts _udp;
    private readonly SocketAddress? _rtpAddress;
    private readonly SocketAddress? _rtcpAddress;
    private long _lastHeard = Environment.TickCount64;
    private long _packetsSent;
    private long _packetsDropped;

    internal RtspSession(LiveStation station, RtspTransport transport, IPEndPoint client, RtspConnection connection, RtspUdpPorts udp)
    {
        Id = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        Station = station;
        Transport = transport;
        Client = client;
        Connection = connection;
        _udp = udp;
        if (!transport.Interleaved)
        {
            // Only to the address the RTSP request came from: a SETUP cannot aim the stream at a third party.
            _rtpAddress = new IPEndPoint(client.Address, transport.RtpPort).Serialize();
            _rtcpAddress = new IPEndPoint(client.Address, transport.RtcpPort).Serialize();
            RtcpSource = new IPEndPoint(client.Address, transport.RtcpPort);
        }
    }

    public string Id { get; }
    public LiveStation Station { get; }
    public RtspTransport Transport { get; }
    public IPEndPoint Client { get; }
    internal RtspConnection Connection { get; }

    /// <summary>Where this player's RTCP receiver reports come from over UDP (null when interleaved).</summary>
    public IPEndPoint? RtcpSource { get; }

    public bool Playing { get; internal set; }

    public long PacketsSent => Interlocked.Read(ref _packetsSent);

    /// <summary>Packets not sent because the socket or the connection's queue was full.</summary>
    public long PacketsDropped => Interlocked.Read(ref _packetsDropped);

    public TimeSpan Silence => TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref _lastHeard));

    /// <summary>A request or an RTCP report arrived: the player is still there.</summary>
    public void Touch() => Volatile.Write(ref _lastHeard, Environment.TickCount64);

    public void SendRtp(ReadOnlySpan<byte> packet) => Count(Transport.Interleaved
        ? Connection.TrySendInterleaved(Transport.RtpChannel, packet)
        : _udp.TrySendRtp(packet, _rtpAddress!));

    public void SendRtcp(ReadOnlySpan<byte> packet) => Count(Transport.Interleaved
        ? Connection.TrySendInterleaved(Transport.RtcpChannel, packet)
        : _udp.TrySendRtcp(packet, _rtcpAddress!));

    private void Count(bool sent)
    {
        if (sent) Interlocked.Increment(ref _packetsSent);
        else Interlocked.Increment(ref _packetsDropped);
    }
}
