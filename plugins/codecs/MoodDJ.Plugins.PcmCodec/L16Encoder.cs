using System.Buffers.Binary;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Codecs;

namespace MoodDJ.Plugins.PcmCodec;

/// <summary>Float (−1..1) to big-endian 16-bit; values outside the range clip, NaN becomes silence.</summary>
internal sealed class L16Encoder(AudioFormat format, int frameSamplesPerChannel) : IAudioEncoder
{
    private readonly int _frameSamples = frameSamplesPerChannel * format.Channels;

    public int MaxPacketBytes => _frameSamples * 2;

    public int Encode(ReadOnlySpan<float> frame, Span<byte> packet)
    {
        if (frame.Length != _frameSamples)
            throw new ArgumentException($"An L16 frame here is {_frameSamples} samples, not {frame.Length}.", nameof(frame));
        if (packet.Length < MaxPacketBytes)
            throw new ArgumentException($"The packet buffer needs {MaxPacketBytes} bytes, not {packet.Length}.", nameof(packet));
        for (var i = 0; i < frame.Length; i++)
            BinaryPrimitives.WriteInt16BigEndian(packet.Slice(2 * i, 2), ToInt16(frame[i]));
        return MaxPacketBytes;
    }

    public void Dispose()
    {
    }

    internal static short ToInt16(float sample)
    {
        if (float.IsNaN(sample)) return 0;
        var scaled = MathF.Round(sample * 32768f);
        return scaled >= short.MaxValue ? short.MaxValue : scaled <= short.MinValue ? short.MinValue : (short)scaled;
    }
}
