namespace MoodDJ.Testing;

/// <summary>Level measures over a block of samples: peak, RMS, dBFS, and the largest jump between neighbours (a click detector).</summary>
public static class LevelMeter
{
    public static float Peak(ReadOnlySpan<float> samples)
    {
        var peak = 0f;
        foreach (var s in samples) peak = Math.Max(peak, Math.Abs(s));
        return peak;
    }

    public static double Rms(ReadOnlySpan<float> samples)
    {
        if (samples.IsEmpty) return 0;
        double sum = 0;
        foreach (var s in samples) sum += (double)s * s;
        return Math.Sqrt(sum / samples.Length);
    }

    /// <summary>Decibels relative to full scale (−∞ for silence).</summary>
    public static double ToDbfs(double level) => level <= 0 ? double.NegativeInfinity : 20 * Math.Log10(level);

    /// <summary>The largest absolute difference between consecutive samples of one channel.</summary>
    public static float MaxJump(ReadOnlySpan<float> samples, int channels = 1, int channel = 0)
    {
        var max = 0f;
        for (var i = channel + channels; i < samples.Length; i += channels)
            max = Math.Max(max, Math.Abs(samples[i] - samples[i - channels]));
        return max;
    }
}
