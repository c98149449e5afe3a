namespace MoodDJ.Plugins.Shared.Audio;

/// <summary>
/// The project's own DSP on decoded mono PCM: loudness, energy, spectral brightness, onset rate and a
/// tempo estimate (autocorrelation of a spectral-flux onset envelope).
/// </summary>
public static class FeatureExtractor
{
    private const int FrameSize = 1024;
    private const int Hop = 512;

    public static AudioFeatures Analyze(ReadOnlySpan<float> mono, int sampleRate)
    {
        if (sampleRate < 8000) throw new ArgumentOutOfRangeException(nameof(sampleRate));
        var frames = mono.Length < FrameSize ? 0 : 1 + (mono.Length - FrameSize) / Hop;
        if (frames < 4)
            return new AudioFeatures(-120, 0, 0, 0, 0, 0);

        var window = new double[FrameSize];
        for (var i = 0; i < FrameSize; i++)
            window[i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / (FrameSize - 1));

        var loudness = Loudness(mono, sampleRate);
        var re = new double[FrameSize];
        var im = new double[FrameSize];
        var previous = new double[FrameSize / 2];
        var magnitude = new double[FrameSize / 2];
        var flux = new double[frames];
        double centroidSum = 0, centroidWeight = 0;
        var busyFrames = 0;
        var binHz = (double)sampleRate / FrameSize;

        for (var f = 0; f < frames; f++)
        {
            var frame = mono.Slice(f * Hop, FrameSize);
            double power = 0;
            for (var i = 0; i < FrameSize; i++)
            {
                power += frame[i] * (double)frame[i];
                re[i] = frame[i] * window[i];
                im[i] = 0;
            }
            var frameDb = 10 * Math.Log10(power / FrameSize + 1e-12);
            if (frameDb > -30) busyFrames++;

            Fft.Forward(re, im);
            double weighted = 0, total = 0, rise = 0;
            for (var k = 1; k < FrameSize / 2; k++)
            {
                var m = Math.Sqrt(re[k] * re[k] + im[k] * im[k]);
                magnitude[k] = Math.Log(1 + 100 * m); // log compression makes flux follow perceived onsets
                weighted += m * k * binHz;
                total += m;
                var d = magnitude[k] - previous[k];
                if (d > 0) rise += d;
            }
            if (total > 1e-6)
            {
                centroidSum += weighted / total * power;
                centroidWeight += power;
            }
            flux[f] = f == 0 ? 0 : rise;
            (previous, magnitude) = (magnitude, previous);
        }

        var envelopeRate = (double)sampleRate / Hop;
        var (tempo, confidence) = Tempo(flux, envelopeRate);
        return new AudioFeatures(
            LoudnessDb: loudness,
            Energy: (double)busyFrames / frames,
            BrightnessHz: centroidWeight > 0 ? centroidSum / centroidWeight : 0,
            TempoBpm: tempo,
            TempoConfidence: confidence,
            OnsetsPerSecond: CountPeaks(flux) / (frames / envelopeRate));
    }

    /// <summary>Mean power in dBFS after a one-pole high-pass (~60 Hz), over 400 ms blocks above −70 dBFS.</summary>
    private static double Loudness(ReadOnlySpan<float> mono, int sampleRate)
    {
        var a = Math.Exp(-2 * Math.PI * 60 / sampleRate);
        double x1 = 0, y1 = 0, blockPower = 0, gatedSum = 0;
        int blockLength = sampleRate * 4 / 10, inBlock = 0, gatedBlocks = 0;
        foreach (var s in mono)
        {
            var y = a * (y1 + s - x1);
            x1 = s;
            y1 = y;
            blockPower += y * y;
            if (++inBlock == blockLength)
            {
                var mean = blockPower / blockLength;
                if (10 * Math.Log10(mean + 1e-20) > -70)
                {
                    gatedSum += mean;
                    gatedBlocks++;
                }
                blockPower = 0;
                inBlock = 0;
            }
        }
        return gatedBlocks == 0 ? -120 : 10 * Math.Log10(gatedSum / gatedBlocks);
    }

    /// <summary>
    /// Autocorrelation of the mean-removed onset envelope over 60..200 BPM, weighted toward
    /// ~120 BPM (log-Gaussian) so a beat is not reported at half or double speed without reason.
    /// </summary>
    private static (double Bpm, double Confidence) Tempo(double[] flux, double envelopeRate)
    {
        var mean = flux.Average();
        var centered = flux.Select(v => v - mean).ToArray();
        double zeroLag = 0;
        foreach (var v in centered) zeroLag += v * v;
        if (zeroLag < 1e-9) return (0, 0);

        var minLag = (int)Math.Floor(envelopeRate * 60 / 200);
        var maxLag = Math.Min(centered.Length / 2, (int)Math.Ceiling(envelopeRate * 60 / 60));
        if (maxLag <= minLag + 1) return (0, 0);
        var correlation = new double[maxLag + 2];
        for (var lag = minLag; lag <= maxLag + 1 && lag < centered.Length; lag++)
        {
            double sum = 0;
            for (var i = lag; i < centered.Length; i++) sum += centered[i] * centered[i - lag];
            correlation[lag] = sum / zeroLag * centered.Length / (centered.Length - lag);
        }
        int best = -1;
        double bestScore = double.MinValue;
        for (var lag = minLag + 1; lag <= maxLag; lag++)
        {
            var bpm = 60 * envelopeRate / lag;
            var prior = Math.Exp(-0.5 * Math.Pow(Math.Log2(bpm / 120) / 1.0, 2));
            var score = correlation[lag] * prior;
            if (correlation[lag] > correlation[lag - 1] && correlation[lag] >= correlation[lag + 1] && score > bestScore)
            {
                bestScore = score;
                best = lag;
            }
        }
        if (best < 0 || correlation[best] <= 0.05) return (0, 0);
        // Parabolic interpolation around the peak for sub-frame lag precision.
        double y0 = correlation[best - 1], y1 = correlation[best], y2 = correlation[best + 1];
        var denominator = y0 - 2 * y1 + y2;
        var offset = Math.Abs(denominator) > 1e-12 ? 0.5 * (y0 - y2) / denominator : 0;
        return (60 * envelopeRate / (best + Math.Clamp(offset, -0.5, 0.5)), Math.Clamp(y1, 0, 1));
    }

    private static int CountPeaks(double[] flux)
    {
        var mean = flux.Average();
        var std = Math.Sqrt(flux.Average(v => (v - mean) * (v - mean)));
        var threshold = mean + std;
        var peaks = 0;
        for (var i = 1; i < flux.Length - 1; i++)
            if (flux[i] > threshold && flux[i] >= flux[i - 1] && flux[i] > flux[i + 1]) peaks++;
        return peaks;
    }
}
