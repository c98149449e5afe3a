using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Hosting;

namespace MoodDJ.Station;

/// <summary>
/// Protects one RTP packet in place for one receiver: SRTP with that receiver's key, or nothing when
/// the station runs without crypto. Called on the pump's thread only.
/// </summary>
public interface IRtpProtector
{
    /// <summary>Bytes protection appends (the SRTP auth tag).</summary>
    int Overhead { get; }

    /// <summary>Protects the <paramref name="rtpLength"/>-byte RTP packet at the start of <paramref name="packet"/>; returns the length to send.</summary>
    int Protect(Span<byte> packet, int rtpLength);

    /// <summary>A hint that <see cref="Protect"/> comes soon: start loading its state into the cache (no effect on the bytes).</summary>
    void Warm() { }

    /// <summary>Whether this receiver gets RTCP now (sender reports).</summary>
    bool CarriesRtcp => false;

    /// <summary>Protects an RTCP (compound) packet in place the same way (SRTCP with this receiver's key); returns the length to send.</summary>
    int ProtectRtcp(Span<byte> packet, int rtcpLength) => throw new NotSupportedException("This receiver gets no RTCP.");
}

/// <summary>Plain RTP: the <c>none</c> crypto provider was configured.</summary>
public sealed class ClearRtp : IRtpProtector
{
    public static ClearRtp Instance { get; } = new();

    public int Overhead => 0;

    public int Protect(Span<byte> packet, int rtpLength) => rtpLength;

    public bool CarriesRtcp => true;

    public int ProtectRtcp(Span<byte> packet, int rtcpLength) => rtcpLength;
}
