using System.Buffers.Binary;
using System.Diagnostics;
using MoodDJ.Media;

namespace MoodDJ.Station;

/// <summary>
/// Sends each frame the pump makes: to every unicast listener, then to the multicast group and the
/// RTSP players, and now and then an RTCP compound packet (muxed on the RTP port, RFC 5761): a sender
/// report that ties the media clock to the station clock, and MoodDJ's play-out delay (SRTCP for SRTP
/// listeners, signed once for mesh peers, plain for RTSP players). A new listener gets one at once,
/// and a pause or skip sends a flush, so queued audio stops everywhere within a round trip.
/// </summary>
internal sealed class StreamSender(ListenerRegistry listeners, RtpFanout fanout, MulticastFeed? multicast, StationOptions options, StationCounters counters, MeshFeed? mesh = null, Rtsp.RtspFeed? rtsp = null)
{
    private readonly byte[] _rtcp = new byte[256];
    private long _nextSenderReport;
    private int _lastListenerCount;
    private int _flushRequested;
    private readonly PlayoutDelay _delay = new(options);

    /// <summary>The play-out delay announced last (µs).</summary>
    public uint AnnouncedDelayMicroseconds => _delay.Current;

    /// <summary>Asks for a flush with the next frame (any thread): players drop what they queued before it.</summary>
    public void RequestFlush() => Volatile.Write(ref _flushRequested, 1);

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
        // A newcomer needs a report to place its first frame: it gets one with the next frame.
        var joined = snapshot.Length > _lastListenerCount;
        _lastListenerCount = snapshot.Length;
        var flush = Interlocked.Exchange(ref _flushRequested, 0) == 1;
        if (joined || flush || Stopwatch.GetTimestamp() >= _nextSenderReport)
        {
            _nextSenderReport = Stopwatch.GetTimestamp() + (long)(options.RtcpIntervalSeconds * Stopwatch.Frequency);
            SendReports(packetizer, snapshot, flush ? BinaryPrimitives.ReadUInt32BigEndian(rtp[4..]) : null);
        }
    }

    private void SendReports(RtpPacketizer packetizer, Listener[] snapshot, uint? flushFrom)
    {
        // The report carries the next packet's timestamp and its slot in the pump's schedule.
        var report = packetizer.CreateSenderReport(() => DateTimeOffset.UtcNow + options.FrameDuration);
        var length = report.WriteCompound(_rtcp, "mooddj@station");
        length += RtcpPlayout.Write(_rtcp.AsSpan(length), RtcpPlayout.DelaySubtype, packetizer.Ssrc, _delay.Next(snapshot));
        if (flushFrom is { } from)
            length += RtcpPlayout.Write(_rtcp.AsSpan(length), RtcpPlayout.FlushSubtype, packetizer.Ssrc, from);
        mesh?.PrepareRtcp(_rtcp.AsSpan(0, length));
        rtsp?.OnSenderReport(_rtcp.AsSpan(0, length));
        foreach (var listener in snapshot)
        {
            if (fanout.SendOne(_rtcp.AsSpan(0, length), listener, rtcp: true))
                Interlocked.Increment(ref counters.rtcpReports);
        }
    }
}
