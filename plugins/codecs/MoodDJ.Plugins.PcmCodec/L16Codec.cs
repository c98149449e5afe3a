using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Codecs;

namespace MoodDJ.Plugins.PcmCodec;

/// <summary>
/// L16 (RFC 3551 §4.5.11): uncompressed 16-bit signed samples in network (big-endian) order,
/// interleaved; the RTP clock runs at the sample rate. 10 ms of 44.1 kHz mono = 441 samples = 882 bytes.
/// </summary>
public sealed class L16Codec : IAudioCodec
{
    /// <summary>Largest payload one RTP packet may carry (never fragmented).</summary>
    public const int MaxPayloadBytes = 1200;

    public string EncodingName => "L16";

    public int RtpClockRate(AudioFormat format) => format.SampleRate;

    public bool Supports(AudioFormat format, out string reason)
    {
        reason = "";
        return true;
    }

    public IAudioEncoder CreateEncoder(AudioFormat format, int frameSamplesPerChannel)
        => new L16Encoder(format, CheckFrame(format, frameSamplesPerChannel));

    public IAudioDecoder CreateDecoder(AudioFormat format, int frameSamplesPerChannel)
        => new L16Decoder(format, CheckFrame(format, frameSamplesPerChannel));

    private static int CheckFrame(AudioFormat format, int frameSamplesPerChannel)
    {
        if (frameSamplesPerChannel <= 0)
            throw new ArgumentOutOfRangeException(nameof(frameSamplesPerChannel), frameSamplesPerChannel, "A frame holds at least one sample per channel.");
        var bytes = frameSamplesPerChannel * format.Channels * 2;
        if (bytes > MaxPayloadBytes)
            throw new ArgumentOutOfRangeException(nameof(frameSamplesPerChannel), frameSamplesPerChannel,
                $"An L16 frame of {frameSamplesPerChannel} samples × {format.Channels} channels is {bytes} bytes, over the {MaxPayloadBytes}-byte RTP payload limit; use shorter frames (e.g. 10 ms = {format.SampleRate / 100} samples) or Opus.");
        return frameSamplesPerChannel;
    }
}
