using System.Net;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Hosting;

namespace MoodDJ.Station;

/// <summary>
/// One subscribed receiver: where its datagrams go, the key they are protected with, and when it was
/// last heard from. The pump reads it on every frame; everything it touches per packet is preallocated.
/// </summary>
public sealed class Listener
{
    /// <summary>Largest datagram the station sends (RTP header + ≤ 1200 payload + SRTP tag), with room to spare.</summary>
    public const int MaxDatagramBytes = 1500;

    private long _lastHeard;
    private long _packetsSent;
    private long _sendErrors;
    private long _framesSkipped;
    private int _sending;

    internal Listener(long id, UInt128 token, string sessionId, IPEndPoint endPoint, IRtpProtector protector, long now)
    {
        Id = id;
        Token = token;
        SessionId = sessionId;
        EndPoint = endPoint;
        Address = endPoint.Serialize();
        Protector = protector;
        _lastHeard = now;
        Since = DateTimeOffset.UtcNow;
    }

    public long Id { get; }

    /// <summary>The heartbeat token: a 128-bit secret handed out only over the sealed control channel.</summary>
    public UInt128 Token { get; }

    /// <summary>The control session that subscribed it.</summary>
    public string SessionId { get; }

    public IPEndPoint EndPoint { get; }

    /// <summary>The endpoint serialized once, so each send skips that work and allocates nothing.</summary>
    internal SocketAddress Address { get; }

    public IRtpProtector Protector { get; }

    public DateTimeOffset Since { get; }

    /// <summary>This listener's own datagram buffer: it never has more than one send in flight.</summary>
    internal byte[] Buffer { get; } = new byte[MaxDatagramBytes];

    public long PacketsSent => Volatile.Read(ref _packetsSent);

    public long SendErrors => Volatile.Read(ref _sendErrors);

    /// <summary>Frames not sent because the previous send to this listener had not finished.</summary>
    public long FramesSkipped => Volatile.Read(ref _framesSkipped);

    internal long LastHeard => Volatile.Read(ref _lastHeard);

    internal void Touch(long now) => Volatile.Write(ref _lastHeard, now);

    /// <summary>Claims the buffer for one send; false while an earlier send is still in flight.</summary>
    internal bool TryBeginSend()
    {
        if (Interlocked.CompareExchange(ref _sending, 1, 0) == 0)
            return true;
        Interlocked.Increment(ref _framesSkipped);
        return false;
    }

    internal void EndSend(bool ok)
    {
        if (ok) Interlocked.Increment(ref _packetsSent);
        else Interlocked.Increment(ref _sendErrors);
        Volatile.Write(ref _sending, 0);
    }

    public override string ToString() => $"listener {Id} at {EndPoint}";
}
