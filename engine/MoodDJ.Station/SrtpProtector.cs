using MoodDJ.Media.Srtp;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Hosting;

namespace MoodDJ.Station;

/// <summary>SRTP (AES_CM_128_HMAC_SHA1_80) with one listener's own master key.</summary>
internal sealed class SrtpProtector(SrtpKeys keys) : IRtpProtector, IDisposable
{
    public const string Suite = SrtpKeys.Suite;

    private readonly SrtpContext _context = SrtpContext.Create(keys);

    public int Overhead => SrtpContext.TagLength;

    private readonly SrtcpContext _rtcp = SrtcpContext.Create(keys);

    public int Protect(Span<byte> packet, int rtpLength) => _context.Protect(packet, rtpLength);

    public bool CarriesRtcp => true;

    public int ProtectRtcp(Span<byte> packet, int rtcpLength) => _rtcp.Protect(packet, rtcpLength);

    public void Dispose()
    {
        _context.Dispose();
        _rtcp.Dispose();
    }
}
