namespace MoodDJ.Media;

/// <summary>Telling RTCP from RTP on one port (RFC 5761 §4): RTCP packet types 192..223 sit where RTP's marker bit and PT would.</summary>
public static class RtcpPacket
{
    public const byte SenderReport = 200;
    public const byte ReceiverReport = 201;
    public const byte SourceDescription = 202;
    public const byte Goodbye = 203;
    public const byte App = 204;

    public static bool IsRtcp(ReadOnlySpan<byte> packet) =>
        packet.Length >= 8 && packet[0] >> 6 == 2 && packet[1] is >= 192 and <= 223;
}
