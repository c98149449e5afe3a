using MoodDJ.Media.Srtp;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Hosting;

namespace MoodDJ.Station;

/// <summary>SRTP (AES_CM_128_HMAC_SHA1_80) with one listener's own master key.</summary>
internal sealed class SrtpProtector(SrtpKeys keys) : IRtpProtector, IDisposable
{
    public const string Suite = SrtpKeys.Suite;

    // Protect-only, with all its state in one object: the fan-out reaches it from the listener in one step.
    // No lock: the listener's send claim (Listener.TryBeginSend) already keeps calls and Dispose apart.
    private readonly SrtpSender _rtp = SrtpSender.Create(keys);

    public int Overhead => SrtpSender.TagLength;

    private readonly SrtcpContext _rtcp = SrtcpContext.Create(keys);

    public int Protect(Span<byte> packet, int rtpLength) => _rtp.Protect(packet, rtpLength);

    public void Warm() => _rtp.Warm();

    public bool CarriesRtcp => true;

    public int ProtectRtcp(Span<byte> packet, int rtcpLength) => _rtcp.Protect(packet, rtcpLength);

    public void Dispose()
    {
        _rtp.Dispose();
        _rtcp.Dispose();
    }
}
