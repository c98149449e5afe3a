namespace MoodDJ.Media;

/// <summary>
/// Which RTP payload type MoodDJ puts on the wire. RFC 3551 assigns static types to L16 at 44.1 kHz
/// (10 stereo, 11 mono), which ffmpeg also uses, so the seed's 44.1 kHz mono stream is PT 11; every
/// other encoding (L16 at other rates, Opus) uses the first dynamic type, 96, bound by a=rtpmap.
/// </summary>
public static class RtpPayloadTypes
{
    public const byte L16Stereo44100 = 10;
    public const byte L16Mono44100 = 11;
    public const byte FirstDynamic = 96;

    public static byte Choose(string encodingName, int clockRate, int channels)
    {
        if (string.Equals(encodingName, "L16", StringComparison.OrdinalIgnoreCase) && clockRate == 44100)
        {
            if (channels == 1) return L16Mono44100;
            if (channels == 2) return L16Stereo44100;
        }
        return FirstDynamic;
    }

    /// <summary>The encoding RFC 3551 gives a static payload type, for an SDP with no a=rtpmap (as ffmpeg writes).</summary>
    public static bool TryGetStatic(int payloadType, out string encodingName, out int clockRate, out int channels)
    {
        (encodingName, clockRate, channels) = payloadType switch
        {
            0 => ("PCMU", 8000, 1),
            8 => ("PCMA", 8000, 1),
            L16Stereo44100 => ("L16", 44100, 2),
            L16Mono44100 => ("L16", 44100, 1),
            _ => ("", 0, 0),
        };
        return clockRate != 0;
    }
}
