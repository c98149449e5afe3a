using System.Buffers.Binary;
using System.Net;
using MoodDJ.Abstractions.Transport;

namespace MoodDJ.Client;

/// <summary>
/// Behind a NAT the station's stream reaches the player only if the player's own socket sent to the station's
/// stream port first (a NAT lets in replies to what went out, from that address and port). So the player sends
/// an empty RTCP receiver report there now and every few seconds (keeping the NAT mapping alive); the station
/// counts and drops it. Heartbeats cannot do this: they leave from another socket, to another port.
/// </summary>
internal static class StreamPortPunch
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(IDatagramSocket socket, IPEndPoint station, uint ssrc, CancellationToken cancellationToken)
    {
        // RFC 3550 receiver report with no report blocks: V=2, RC=0, PT=201, length 1 (two 32-bit words).
        var report = new byte[8];
        report[0] = 0x80;
        report[1] = 201;
        BinaryPrimitives.WriteUInt16BigEndian(report.AsSpan(2), 1);
        BinaryPrimitives.WriteUInt32BigEndian(report.AsSpan(4), ssrc);
        var to = station.Serialize();
        try
        {
            using var timer = new PeriodicTimer(Interval);
            do
            {
                try { await socket.SendToAsync(report, to, cancellationToken).ConfigureAwait(false); }
                catch (System.Net.Sockets.SocketException) { /* unreachable for now: the next one may pass */ }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
    }
}
