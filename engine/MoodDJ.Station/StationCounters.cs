using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Hosting;

namespace MoodDJ.Station;

/// <summary>What the station has seen and done, for status replies, logs and tests. Thread-safe.</summary>
public sealed class StationCounters
{
    internal long heartbeats, heartbeatJunk, unknownTokens, heartbeatsRateLimited;
    internal long streamPortDatagrams, streamPortJunk, meshResent;
    internal long frames, packetsSent, bytesSent, sendErrors, framesSkippedBusy, rtcpReports;
    internal long lateWakes, resyncs, droppedMilliseconds, programLate, talkFrames;

    /// <summary>Valid heartbeat datagrams received on the heartbeat port.</summary>
    public long Heartbeats => Interlocked.Read(ref heartbeats);

    /// <summary>Datagrams on the heartbeat port that were not heartbeats (dropped, no reply).</summary>
    public long HeartbeatJunk => Interlocked.Read(ref heartbeatJunk);

    /// <summary>Well-formed heartbeats carrying a token the station does not know.</summary>
    public long UnknownTokens => Interlocked.Read(ref unknownTokens);

    public long HeartbeatsRateLimited => Interlocked.Read(ref heartbeatsRateLimited);

    /// <summary>Datagrams that arrived on the stream port (RTCP receiver reports or junk).</summary>
    public long StreamPortDatagrams => Interlocked.Read(ref streamPortDatagrams);

    /// <summary>Datagrams on the stream port that were neither RTCP nor a direct peer's nack (dropped).</summary>
    public long StreamPortJunk => Interlocked.Read(ref streamPortJunk);

    /// <summary>Signed packets resent to directly fed peers that nacked them.</summary>
    public long MeshResent => Interlocked.Read(ref meshResent);

    /// <summary>Audio frames the pump produced.</summary>
    public long Frames => Interlocked.Read(ref frames);

    public long PacketsSent => Interlocked.Read(ref packetsSent);

    /// <summary>Bytes of RTP/SRTP datagrams handed to the stream socket (the server's egress).</summary>
    public long BytesSent => Interlocked.Read(ref bytesSent);

    public long SendErrors => Interlocked.Read(ref sendErrors);

    /// <summary>Per-listener frames skipped because that listener's previous send was still in flight.</summary>
    public long FramesSkippedBusy => Interlocked.Read(ref framesSkippedBusy);

    public long RtcpReports => Interlocked.Read(ref rtcpReports);

    /// <summary>Pump wake-ups that found more than one frame due.</summary>
    public long LateWakes => Interlocked.Read(ref lateWakes);

    /// <summary>Times the pump fell too far behind and dropped time instead of bursting.</summary>
    public long Resyncs => Interlocked.Read(ref resyncs);

    /// <summary>Voice frames talkers sent that were mixed over the music (push to talk).</summary>
    public long TalkFrames => Interlocked.Read(ref talkFrames);

    public long DroppedMilliseconds => Interlocked.Read(ref droppedMilliseconds);

    /// <summary>Frames sent as silence because the program read had not finished by the frame's deadline (its audio went out later).</summary>
    public long ProgramLate => Interlocked.Read(ref programLate);
}
