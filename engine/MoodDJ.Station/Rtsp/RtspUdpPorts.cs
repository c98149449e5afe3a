using System.Net;
using System.Net.Sockets;

namespace MoodDJ.Station.Rtsp;

/// <summary>
/// The RTSP server's UDP pair: RTP goes out of the even port and RTCP out of the next one, which also
/// receives the players' receiver reports (they keep a session alive). Sends never block the pump: a
/// full socket buffer drops the packet.
/// </summary>
internal sealed class RtspUdpPorts : IDisposable
{
    private RtspUdpPorts(Socket rtp, Socket rtcp)
    {
        Rtp = rtp;
        Rtcp = rtcp;
    }

    public Socket Rtp { get; }
    public Socket Rtcp { get; }
    public int RtpPort => ((IPEndPoint)Rtp.LocalEndPoint!).Port;
    public int RtcpPort => ((IPEndPoint)Rtcp.LocalEndPoint!).Port;

    /// <summary>Binds a free even port and the odd one after it on <paramref name="bind"/>.</summary>
    public static RtspUdpPorts Open(IPAddress bind)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var rtp = Bind(bind, 0);
            var port = ((IPEndPoint)rtp.LocalEndPoint!).Port;
            if (port % 2 == 0 && port < 65535)
            {
                try
                {
                    return new RtspUdpPorts(rtp, Bind(bind, port + 1));
                }
                catch (SocketException)
                {
                }
            }
            rtp.Dispose();
        }
        throw new InvalidOperationException($"Could not find a free even/odd UDP port pair on {bind} for RTSP's RTP and RTCP.");
    }

    private static Socket Bind(IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { Blocking = false, SendBufferSize = 1 << 20 };
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public bool TrySendRtp(ReadOnlySpan<byte> packet, SocketAddress to) => TrySend(Rtp, packet, to);

    public bool TrySendRtcp(ReadOnlySpan<byte> packet, SocketAddress to) => TrySend(Rtcp, packet, to);

    private static bool TrySend(Socket socket, ReadOnlySpan<byte> packet, SocketAddress to)
    {
        try
        {
            return socket.SendTo(packet, SocketFlags.None, to) == packet.Length;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;   // a full buffer or an ICMP error: the player misses this packet, the others do not wait
        }
    }

    public void Dispose()
    {
        Rtp.Dispose();
        Rtcp.Dispose();
    }
}
