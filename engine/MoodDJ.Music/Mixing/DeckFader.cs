using System.Numerics.Tensors;
using NAudio.Wave;

namespace MoodDJ.Music.Mixing;

/// <summary>
/// A deck's gain with a sample-accurate equal-power ramp (NAudio's FadeInOutSampleProvider is linear
/// only, and a linear crossfade of two songs dips about 3 dB mid-way). Once a ramp down to 0 that was
/// asked to end completes, Read returns 0, so the mixer drops this input and reports it ended.
/// </summary>
internal sealed class DeckFader(ISampleProvider source, float initialGain = 1f) : ISampleProvider
{
    private readonly object _gate = new();
    private float _from = initialGain, _to = initialGain, _gain = initialGain;
    private int _frames, _position;
    private bool _endWhenSilent, _ended;

    public WaveFormat WaveFormat => source.WaveFormat;

    /// <summary>Faded out completely: reads return nothing from now on.</summary>
    public bool Ended
    {
        get { lock (_gate) return _ended; }
    }

    /// <summary>Ramps from the present gain to <paramref name="target"/> over <paramref name="frames"/>; a new ramp replaces a running one without a jump.</summary>
    public void RampTo(float target, int frames, bool endWhenSilent = false)
    {
        lock (_gate) (_from, _to, _frames, _position, _endWhenSilent) = (_gain, target, Math.Max(1, frames), 0, endWhenSilent);
    }

    public int Read(Span<float> buffer)
    {
        lock (_gate)
            if (_ended) return 0;
        var n = source.Read(buffer);
        var channels = WaveFormat.Channels;
        lock (_gate)
        {
            var frame = 0;
            for (; frame < n / channels && _position < _frames; frame++)
            {
                // Equal power: gain_out = cos, gain_in = sin, so cos² + sin² = 1 and the loudness holds.
                var p = (float)++_position / _frames * MathF.PI / 2;
                _gain = _from * MathF.Cos(p) + _to * MathF.Sin(p);
                for (var c = 0; c < channels; c++) buffer[frame * channels + c] *= _gain;
            }
            var rest = buffer[(frame * channels)..n];
            if (_gain != 1f && rest.Length > 0) TensorPrimitives.Multiply(rest, _gain, rest);
            if (_position >= _frames && _endWhenSilent && _to == 0f) _ended = true;
        }
        return n;
    }
}
