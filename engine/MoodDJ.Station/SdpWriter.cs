using System.Net;
using MoodDJ.Media;
using MoodDJ.Media.Srtp;

namespace MoodDJ.Station;

/// <summary>Writes the SDP (RFC 4566, a=crypto per RFC 4568) an RTP player needs to receive one station's stream.</summary>
internal sealed class SdpWriter(StationOptions options, string encodingName, uint ssrc)
{
    /// <summary>
    /// The description of the stream sent from <paramref name="origin"/> to <paramref name="receiver"/>,
    /// with the <c>a=crypto</c> line when <paramref name="keys"/> is given (only ever sent over the sealed channel).
    /// </summary>
    public string Describe(RtpPacketizer packetizer, IPEndPoint origin, IPEndPoint receiver, SrtpKeys? keys, int? multicastTtl = null) =>
        new SdpDescription
        {
            SessionName = "MoodDJ station",
            SessionId = ssrc,
            SessionVersion = 1,
            OriginAddress = origin.Address.Equals(IPAddress.Any) ? "127.0.0.1" : origin.Address.ToString(),
            ConnectionAddress = receiver.Address.ToString(),
            MulticastTtl = multicastTtl,
            Port = receiver.Port,
            PayloadType = packetizer.PayloadType,
            EncodingName = encodingName,
            ClockRate = packetizer.ClockRate,
            Channels = options.Channels,
            PacketTimeMs = options.FrameMilliseconds,
            RtcpMux = true,
            Crypto = keys is null ? null : new SdpCrypto(1, SrtpKeys.Suite, keys.ToInlineBase64()),
        }.ToString();

    /// <summary>The description an RTSP DESCRIBE returns: plain RTP/AVP, the address and ports left to SETUP, the track's control URL.</summary>
    public string DescribeForRtsp(RtpPacketizer packetizer, IPEndPoint origin, string control) =>
        new SdpDescription
        {
            SessionName = "MoodDJ station",
            SessionId = ssrc,
            SessionVersion = 1,
            OriginAddress = origin.Address.Equals(IPAddress.Any) ? "127.0.0.1" : origin.Address.ToString(),
            ConnectionAddress = "0.0.0.0",
            Port = 0,
            PayloadType = packetizer.PayloadType,
            EncodingName = encodingName,
            ClockRate = packetizer.ClockRate,
            Channels = options.Channels,
            PacketTimeMs = options.FrameMilliseconds,
            Control = control,
        }.ToString();
}
