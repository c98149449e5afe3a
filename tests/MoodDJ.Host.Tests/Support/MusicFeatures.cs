namespace MoodDJ.Host.Tests.Support;

/// <summary>
/// Measures of a mono signal a listener would notice: loudness, how often notes start, the beat
/// period, and brightness. Simple DSP, enough to tell a happy track from a sad one.
/// </summary>
public static class MusicFeatures
{
    private const int Hop = 512;

    public static double Rms(ReadOnlySpan<float> samples)
    {
        double sum = 0;
        foreach (var s in samples) sum += s * s;
        return samples.Length == 0 ? 0 : Math.Sqrt(sum / samples.Length);
    }

    /// <summary>Positive energy changes between hops (spectral-flux-like onset strength on the envelope).</summary>
    public static double[] OnsetEnvelope(ReadOnlySpan<float> samples)
    {
        var frames = samples.Length / Hop;
        var energy = new double[frames];
        for (var f = 0; f < frames; f++)
        {
            double e = 0;
            foreach (var s in samples.Slice(f * Hop, Hop)) e += s * s;
            energy[f] = Math.Log(1e-9 + e);
        }
        var onset = new double[frames];
        for (var f = 1; f < frames; f++) onset[f] = Math.Max(0, energy[f] - energy[f - 1]);
        return onset;
    }

    /// <summary>The beat period in BPM from the onset envelope's autocorrelation, searched in 50..220 BPM.</summary>
    public static double TempoBpm(ReadOnlySpan<float> samples, int sampleRate)
    {
        var onset = OnsetEnvelope(samples);
        var mean = onset.Average();
        for (var i = 0; i < onset.Length; i++) onset[i] -= mean;
        var framesPerSecond = (double)sampleRate / Hop;
        int minLag = (int)(framesPerSecond * 60 / 220), maxLag = (int)(framesPerSecond * 60 / 50);
        double best = double.MinValue; var bestLag = minLag;
        for (var lag = minLag; lag <= maxLag && lag < onset.Length; lag++)
        {
            double sum = 0;
            for (var i = lag; i < onset.Length; i++) sum += onset[i] * onset[i - lag];
            sum /= onset.Length - lag;
            if (sum > best) { best = sum; bestLag = lag; }
        }
        return 60 * framesPerSecond / bestLag;
    }

    /// <summary>Onsets per second: peaks of the onset envelope above an adaptive threshold, at least 60 ms apart.</summary>
    public static double OnsetRate(ReadOnlySpan<float> samples, int sampleRate)
    {
        var onset = OnsetEnvelope(samples);
        var threshold = onset.Average() + onset.Select(x => x).DefaultIfEmpty().Max() * 0.15;
        var minGap = (int)Math.Ceiling(0.06 * sampleRate / Hop);
        int count = 0, last = -minGap;
        for (var i = 1; i < onset.Length - 1; i++)
        {
            if (onset[i] > threshold && onset[i] >= onset[i - 1] && onset[i] >= onset[i + 1] && i - last >= minGap)
            {
                count++;
                last = i;
            }
        }
        return count / ((double)samples.Length / sampleRate);
    }

    /// <summary>Zero crossings per second: a cheap brightness measure.</summary>
    public static double ZeroCrossingRate(ReadOnlySpan<float> samples, int sampleRate)
    {
        var crossings = 0;
        for (var i = 1; i < samples.Length; i++)
            if ((samples[i - 1] < 0) != (samples[i] < 0)) crossings++;
        return crossings / ((double)samples.Length / sampleRate);
    }
}
