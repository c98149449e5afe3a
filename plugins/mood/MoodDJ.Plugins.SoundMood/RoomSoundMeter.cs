using MoodDJ.Plugins.Shared.Audio;

namespace MoodDJ.Plugins.SoundMood;

/// <summary>
/// Measures a clip for <see cref="RoomSound"/>: the track features from <see cref="FeatureExtractor"/>,
/// then its own pass for onsets, speech and noise. Speech is told apart by four cues together: most energy
/// in the voice band (300–3400 Hz), an envelope that rises and falls at syllable rate (2–8 Hz), and
/// deep dips between words. Noise is spectral flatness (geometric over arithmetic mean of the power
/// spectrum) over the frames that are audible.
/// </summary>
public static class RoomSoundMeter
{
    private const int FrameSize = 1024;
    private const int Hop = 512;
    private const double AudibleDb = -55;

    public static RoomSound Measure(ReadOnlySpan<float> mono, int sampleRate)
    {
        if (sampleRate < 8000) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "At least 8 kHz is needed.");
        var music = FeatureExtractor.Analyze(mono, sampleRate);
        var seconds = (double)mono.Length / sampleRate;
        var frames = mono.Length < FrameSize ? 0 : 1 + (mono.Length - FrameSize) / Hop;
        if (frames < 8) return new RoomSound(music, 0, 0, 0, seconds, RoomCues.None);

        var window = new double[FrameSize];
        for (var i = 0; i < FrameSize; i++) window[i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / (FrameSize - 1));
        var re = new double[FrameSize];
        var im = new double[FrameSize];
        var binHz = (double)sampleRate / FrameSize;
        int voiceLow = (int)(300 / binHz), voiceHigh = (int)(3400 / binHz);
        int flatLow = Math.Max(1, (int)(100 / binHz)), flatHigh = Math.Min(FrameSize / 2 - 1, (int)(8000 / binHz));

        var voiceEnvelope = new double[frames];
        var voiceAmplitude = new double[frames];
        var level = new double[frames];
        double voiceShareSum = 0, flatnessSum = 0;
        var audible = 0;
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
            Fft.Forward<double>(re, im);
            double voice = 0, total = 0, logSum = 0, linearSum = 0;
            for (var k = 1; k < FrameSize / 2; k++)
            {
                var p = re[k] * re[k] + im[k] * im[k];
                total += p;
                if (k >= voiceLow && k <= voiceHigh) voice += p;
                if (k >= flatLow && k <= flatHigh)
                {
                    logSum += Math.Log(p + 1e-12);
                    linearSum += p;
                }
            }
            // Floored at the audible level: digital silence between words must not swamp the rhythm.
            voiceAmplitude[f] = Math.Sqrt(voice / FrameSize);
            voiceEnvelope[f] = Math.Max(AudibleDb - 10, 10 * Math.Log10(voice / FrameSize + 1e-12));
            level[f] = 10 * Math.Log10(power / FrameSize + 1e-12);
            if (level[f] <= AudibleDb || total <= 0) continue;
            audible++;
            voiceShareSum += voice / total;
            var bins = flatHigh - flatLow + 1;
            flatnessSum += Math.Exp(logSum / bins) / (linearSum / bins + 1e-12);
        }
        var frameRate = (double)sampleRate / Hop;
        var onsets = SharpRises(level, frameRate) / seconds;
        if (audible < frames / 4) return new RoomSound(music, 0, 0, onsets, seconds, RoomCues.None);

        var cues = new RoomCues(voiceShareSum / audible, SyllableRhythm(voiceAmplitude, frameRate), Spread(voiceEnvelope), flatnessSum / audible);
        // A steady beat has syllable-rate rhythm and gaps too; talk does not keep time.
        var speech = Ramp(cues.VoiceShare, 0.45, 0.75) * Ramp(cues.SyllableRhythm, 0.3, 0.55) * Ramp(cues.GapDepthDb, 12, 25)
            * (1 - Ramp(music.TempoConfidence, 0.35, 0.7));
        var noisiness = Ramp(cues.Flatness, 0.12, 0.4) * (1 - speech);
        return new RoomSound(music, speech, noisiness, onsets, seconds, cues);
    }

    /// <summary>
    /// Frames whose level jumps 6 dB above the quietest of the four before it (about 100 ms), at
    /// least 70 ms apart, and audible: a drum hit or a syllable starts this way, a slow swell does not.
    /// </summary>
    private static int SharpRises(double[] level, double frameRate)
    {
        var refractory = (int)Math.Ceiling(0.07 * frameRate);
        int count = 0, last = -refractory;
        for (var f = 4; f < level.Length; f++)
        {
            if (level[f] <= AudibleDb || f - last < refractory) continue;
            var floor = Math.Min(Math.Min(level[f - 1], level[f - 2]), Math.Min(level[f - 3], level[f - 4]));
            if (level[f] - floor < 6) continue;
            count++;
            last = f;
        }
        return count;
    }

    /// <summary>Share of the amplitude envelope's modulation energy (0.5–20 Hz) that lies at syllable rate, 2–8 Hz.</summary>
    private static double SyllableRhythm(double[] envelope, double envelopeRate)
    {
        var n = 1;
        while (n < envelope.Length) n <<= 1;
        var re = new double[n];
        var im = new double[n];
        var mean = envelope.Average();
        for (var i = 0; i < envelope.Length; i++) re[i] = envelope[i] - mean;
        Fft.Forward<double>(re, im);
        double syllable = 0, all = 0;
        for (var k = 1; k < n / 2; k++)
        {
            var hz = k * envelopeRate / n;
            if (hz < 0.5 || hz > 20) continue;
            var p = re[k] * re[k] + im[k] * im[k];
            all += p;
            if (hz is >= 2 and <= 8) syllable += p;
        }
        return all > 0 ? syllable / all : 0;
    }

    /// <summary>Distance in dB between the loud (90th percentile) and quiet (10th) frames: talk has gaps, music and noise mostly do not.</summary>
    private static double Spread(double[] envelope)
    {
        var sorted = (double[])envelope.Clone();
        Array.Sort(sorted);
        return sorted[(int)(sorted.Length * 0.9)] - sorted[(int)(sorted.Length * 0.1)];
    }

    internal static double Ramp(double value, double low, double high) => Math.Clamp((value - low) / (high - low), 0, 1);
}
