using System.Buffers.Binary;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Codecs;

namespace MoodDJ.Streaming.Tests.Support;

/// <summary>
/// L16 (RFC 3551: signed 16-bit big-endian) written inline until the pcm codec plugin lands on main;
/// concealment repeats nothing and plays silence, so concealed frames are easy to tell apart.
/// </summary>
internal sealed class L16TestCodec : IAudioCodec
{
    public string EncodingName => "L16";

    public int RtpClockRate(AudioFormat format) => format.SampleRate;

    public bool Supports(AudioFormat format, out string reason)
    {
        reason = "";
        return true;
    }

    public IAudioEncoder CreateEncoder(AudioFormat format, int frameSamplesPerChannel) => new Encoder(frameSamplesPerChannel * format.Channels);

    public IAudioDecoder CreateDecoder(AudioFormat format, int frameSamplesPerChannel) => new Decoder(frameSamplesPerChannel * format.Channels);

    public static short ToS16(float sample) => (short)Math.Clamp(MathF.Round(sample * 32768f), short.MinValue, short.MaxValue);

    private sealed class Encoder(int frameSamples) : IAudioEncoder
    {
        public int MaxPacketBytes => frameSamples * 2;

        public int Encode(ReadOnlySpan<float> frame, Span<byte> packet)
        {
            for (var i = 0; i < frame.Length; i++)
                BinaryPrimitives.WriteInt16BigEndian(packet[(2 * i)..], ToS16(frame[i]));
            return frame.Length * 2;
        }

        public void Dispose() { }
    }

    private sealed class Decoder(int frameSamples) : IAudioDecoder
    {
        public int Decode(ReadOnlySpan<byte> packet, Span<float> frame)
        {
            var samples = packet.Length / 2;
            for (var i = 0; i < samples; i++)
                frame[i] = BinaryPrimitives.ReadInt16BigEndian(packet[(2 * i)..]) / 32768f;
            return samples;
        }

        public int Conceal(Span<float> frame)
        {
            frame[..frameSamples].Clear();
            return frameSamples;
        }

        public void Dispose() { }
    }
}
