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
            var ramp = Math.Min(n / channels, _frames - _position);
            if (ramp > 0)
            {
                // Equal power: gain_out = cos, gain_in = sin, so cos² + sin² = 1 and the loudness holds.
                // The angle steps by a fixed amount, so rotate (cos, sin) instead of calling both per frame;
                // exact values are taken once per read, so rounding cannot drift across a long fade.
                var step = Math.PI / 2 / _frames;
                double angle = (_position + 1) * step, cos = Math.Cos(angle), sin = Math.Sin(angle);
                double stepCos = Math.Cos(step), stepSin = Math.Sin(step);
                for (; frame < ramp; frame++)
                {
                    _gain = (float)(_from * cos + _to * sin);
                    for (var c = 0; c < channels; c++) buffer[frame * channels + c] *= _gain;
                    (cos, sin) = (cos * stepCos - sin * stepSin, sin * stepCos + cos * stepSin);
                }
                _position += ramp;
                if (_position >= _frames) _gain = _to; // land exactly on the target
            }
            var rest = buffer[(frame * channels)..n];
            if (_gain != 1f && rest.Length > 0) TensorPrimitives.Multiply(rest, _gain, rest);
            if (_position >= _frames && _endWhenSilent && _to == 0f) _ended = true;
        }
        return n;
    }
}
