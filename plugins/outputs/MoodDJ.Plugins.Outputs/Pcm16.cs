using System.Buffers.Binary;

namespace MoodDJ.Plugins.Outputs;

/// <summary>Float samples (−1..1) to signed 16-bit little-endian, clipping out-of-range values.</summary>
internal static class Pcm16
{
    public static void ToLittleEndian(ReadOnlySpan<float> samples, Span<byte> destination)
    {
        for (var i = 0; i < samples.Length; i++)
            BinaryPrimitives.WriteInt16LittleEndian(destination.Slice(2 * i, 2), ToInt16(samples[i]));
    }

    public static short ToInt16(float sample)
    {
        var scaled = MathF.Round(sample * 32768f);
        if (scaled >= short.MaxValue) return short.MaxValue;
        if (scaled <= short.MinValue || float.IsNaN(scaled)) return float.IsNaN(scaled) ? (short)0 : short.MinValue;
        return (short)scaled;
    }
}
