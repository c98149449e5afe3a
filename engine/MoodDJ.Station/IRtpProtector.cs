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
}

/// <summary>Plain RTP: the <c>none</c> crypto provider was configured.</summary>
public sealed class ClearRtp : IRtpProtector
{
    public static ClearRtp Instance { get; } = new();

    public int Overhead => 0;

    public int Protect(Span<byte> packet, int rtpLength) => rtpLength;
}
