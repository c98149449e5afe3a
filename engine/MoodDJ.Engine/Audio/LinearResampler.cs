namespace MoodDJ.Engine.Audio;

/// <summary>
/// Streaming linear-interpolation resampler for interleaved float PCM (e.g. 44.1 kHz → 48 kHz for Opus).
/// Keeps the last input frame between calls so block boundaries are seamless; allocates nothing per call.
/// </summary>
public sealed class LinearResampler
{
    private readonly int _channels;
    private readonly double _step;
    private readonly float[] _last;
    private double _position; // in input frames, relative to the current block (−1 = the saved last frame)

    public LinearResampler(int channels, int fromRate, int toRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(fromRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(toRate, 1);
        _channels = channels;
        FromRate = fromRate;
        ToRate = toRate;
        _step = (double)fromRate / toRate;
        _last = new float[channels];
    }

    public int FromRate { get; }
    public int ToRate { get; }

    /// <summary>The most output samples <see cref="Process"/> can write for <paramref name="inputSamples"/> input samples.</summary>
    public int MaxOutputSamples(int inputSamples) => ((int)Math.Ceiling(inputSamples / _channels / _step) + 2) * _channels;

    /// <summary>Resamples <paramref name="input"/> (whole frames) into <paramref name="output"/>; returns the samples written.</summary>
    public int Process(ReadOnlySpan<float> input, Span<float> output)
    {
        var frames = input.Length / _channels;
        if (frames * _channels != input.Length)
            throw new ArgumentException($"Input must be whole frames of {_channels} samples.", nameof(input));
        if (output.Length < MaxOutputSamples(input.Length))
            throw new ArgumentException($"Output needs room for {MaxOutputSamples(input.Length)} samples.", nameof(output));
        if (frames == 0) return 0;

        var written = 0;
        while (_position < frames - 1)
        {
            var i = (int)Math.Floor(_position);
            var frac = (float)(_position - i);
            for (var c = 0; c < _channels; c++)
            {
                var a = i < 0 ? _last[c] : input[i * _channels + c];
                var b = input[(i + 1) * _channels + c];
                output[written++] = a + (b - a) * frac;
            }
            _position += _step;
        }
        _position -= frames;
        input.Slice((frames - 1) * _channels, _channels).CopyTo(_last);
        return written;
    }
}
