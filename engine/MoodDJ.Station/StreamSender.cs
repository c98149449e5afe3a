using System.Diagnostics;
using MoodDJ.Media;

namespace MoodDJ.Station;

/// <summary>
/// Sends each frame the pump makes: to every unicast listener, then to the multicast group and the
/// RTSP players, and
/// now and then an RTCP sender report (muxed on the RTP port, RFC 5761) that ties the media clock
/// to the wall clock for synchronized play-out.
/// </summary>
internal sealed class StreamSender(ListenerRegistry listeners, RtpFanout fanout, MulticastFeed? multicast, StationOptions options, StationCounters counters, MeshFeed? mesh = null, Rtsp.RtspFeed? rtsp = null)
{
    private readonly byte[] _rtcp = new byte[256];
    private long _nextSenderReport;

    public void OnFrame(ReadOnlySpan<byte> rtp, RtpPacketizer packetizer)
    {
        var snapshot = listeners.Snapshot;
        if (mesh is not null)
        {
            // Relaying peers fed directly all get the same bytes: protected and signed once here.
            var direct = 0;
            foreach (var listener in snapshot)
                if (listener.Mesh is { Direct: true }) direct++;
            mesh.DirectPeers = direct;
            mesh.Prepare(rtp);
        }
        fanout.Send(rtp, snapshot);
        if (multicast is not null)
            multicast.Fanout.SendOne(rtp, multicast.Group);
        rtsp?.OnFrame(rtp);
        if (Stopwatch.GetTimestamp() >= _nextSenderReport)
        {
            _nextSenderReport = Stopwatch.GetTimestamp() + (long)(options.RtcpIntervalSeconds * Stopwatch.Frequency);
            SendSenderReports(packetizer, snapshot);
        }
    }

    /// <summary>
    /// Only clear-RTP listeners get reports: SRTCP is not implemented yet, and a plain RTCP packet
    /// inside an SRTP session would be rejected by a strict receiver.
    /// </summary>
    private void SendSenderReports(RtpPacketizer packetizer, Listener[] snapshot)
    {
        // The packet just sent plays now; the next one (whose timestamp the report carries) one frame later.
        var report = packetizer.CreateSenderReport(DateTimeOffset.UtcNow + options.FrameDuration);
        var length = report.WriteCompound(_rtcp, "mooddj@station");
        rtsp?.OnSenderReport(_rtcp.AsSpan(0, length));
        foreach (var listener in snapshot)
        {
            if (listener.Protector is not ClearRtp) continue;
            if (fanout.SendOne(_rtcp.AsSpan(0, length), listener))
                Interlocked.Increment(ref counters.rtcpReports);
        }
    }
}
