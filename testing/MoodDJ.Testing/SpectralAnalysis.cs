using MoodDJ.Plugins.Shared.Audio;

namespace MoodDJ.Testing;

/// <summary>
/// What a short-time spectrum says about a piece of music: brightness (spectral centroid), pitch-class
/// energy (chroma, for key and mode), and an onset envelope (spectral flux, for tempo).
/// </summary>
public sealed record SpectralAnalysis(double CentroidHz, double[] Chroma, float[] OnsetEnvelope, double EnvelopeRate)
{
    private const int OnsetFrame = 2048;
    private const int OnsetHop = 512;
    // Chroma needs fine bins: at 8192 points a bin is ~5 Hz, well under a semitone from 130 Hz up.
    private const int ChromaFrame = 8192;
    private const int ChromaHop = 4096;

    /// <summary>Analyzes mono samples at <paramref name="sampleRate"/>.</summary>
    public static SpectralAnalysis Of(ReadOnlySpan<float> mono, int sampleRate)
    {
        var (centroid, onset) = Onsets(mono, sampleRate);
        return new SpectralAnalysis(centroid, ChromaOf(mono, sampleRate), onset, (double)sampleRate / OnsetHop);
    }

    private static (double Centroid, float[] Onset) Onsets(ReadOnlySpan<float> mono, int sampleRate)
    {
        var frames = Math.Max(0, (mono.Length - OnsetFrame) / OnsetHop + 1);
        var onset = new float[frames];
        var magnitude = new float[OnsetFrame / 2];
        var previous = new float[OnsetFrame / 2];
        var spectrum = new Spectrum(OnsetFrame);
        var binHz = (double)sampleRate / OnsetFrame;
        double weighted = 0, total = 0;
        for (var frame = 0; frame < frames; frame++)
        {
            spectrum.Magnitudes(mono.Slice(frame * OnsetHop, OnsetFrame), magnitude);
            float flux = 0;
            for (var k = 1; k < magnitude.Length; k++)
            {
                var m = magnitude[k];
                weighted += k * binHz * m;
                total += m;
                // Log-compressed positive change: onsets of soft notes count, not only drums.
                var rise = MathF.Log(1 + 100 * m) - MathF.Log(1 + 100 * previous[k]);
                if (rise > 0) flux += rise;
            }
            onset[frame] = flux;
            (previous, magnitude) = (magnitude, previous);
        }
        return (total > 0 ? weighted / total : 0, onset);
    }

    private static double[] ChromaOf(ReadOnlySpan<float> mono, int sampleRate)
    {
        var chroma = new double[12];
        var spectrum = new Spectrum(ChromaFrame);
        var magnitude = new float[ChromaFrame / 2];
        var binHz = (double)sampleRate / ChromaFrame;
        var pitchClass = new int[magnitude.Length];
        for (var k = 0; k < pitchClass.Length; k++)
        {
            var f = k * binHz;
            // Only where harmony lives and bins are finer than a semitone: deep bass would smear into
            // its neighbours, drums and high overtones blur the key.
            pitchClass[k] = f is < 130 or > 2000 ? -1 : (((int)Math.Round(12 * Math.Log2(f / 440.0)) % 12) + 12 + 9) % 12;
        }
        for (var start = 0; start + ChromaFrame <= mono.Length; start += ChromaHop)
        {
            spectrum.Magnitudes(mono.Slice(start, ChromaFrame), magnitude);
            for (var k = 1; k < magnitude.Length; k++)
                if (pitchClass[k] >= 0) chroma[pitchClass[k]] += magnitude[k];
        }
        return chroma;
    }

    /// <summary>Mixes interleaved samples down to mono.</summary>
    public static float[] ToMono(ReadOnlySpan<float> interleaved, int channels)
    {
        var mono = new float[interleaved.Length / channels];
        for (var i = 0; i < mono.Length; i++)
        {
            float sum = 0;
            for (var c = 0; c < channels; c++) sum += interleaved[i * channels + c];
            mono[i] = sum / channels;
        }
        return mono;
    }

    /// <summary>Hann-windowed magnitude spectrum of one frame, with its buffers reused.</summary>
    private sealed class Spectrum
    {
        private readonly float[] _window, _re, _im;

        public Spectrum(int size)
        {
            _window = new float[size];
            for (var i = 0; i < size; i++) _window[i] = (float)(0.5 - 0.5 * Math.Cos(2 * Math.PI * i / size));
            _re = new float[size];
            _im = new float[size];
        }

        public void Magnitudes(ReadOnlySpan<float> frame, Span<float> magnitude)
        {
            for (var i = 0; i < _re.Length; i++)
            {
                _re[i] = frame[i] * _window[i];
                _im[i] = 0;
            }
            Fft.Forward(_re, _im);
            for (var k = 0; k < magnitude.Length; k++) magnitude[k] = MathF.Sqrt(_re[k] * _re[k] + _im[k] * _im[k]);
        }
    }
}
