namespace MoodDJ.Media;

/// <summary>
/// Plays decoded audio at a ratio slightly off 1 (input frames per output frame), so a player can
/// follow the sender's clock and slew into sync by small continuous changes instead of dropping or
/// repeating samples (no clicks). Input frames are pushed in order; the read position is fractional
/// and read with 4-point cubic (Catmull-Rom) interpolation. Positions count frames since
/// <see cref="Reset"/>. The ring is allocated once; nothing is allocated per block. Not thread-safe.
/// </summary>
public sealed class DriftResampler
{
    private readonly int _channels;
    private readonly int _capacity;     // frames
    private readonly float[] _ring;
    private long _written;              // frames pushed since Reset
    private double _read;               // fractional frame read next

    public DriftResampler(int channels, int capacityFrames)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityFrames, 16);
        _channels = channels;
        _capacity = capacityFrames;
        _ring = new float[capacityFrames * channels];
        Reset();
    }

    /// <summary>Frames pushed since <see cref="Reset"/>.</summary>
    public long Written => _written;

    /// <summary>The fractional frame the next output frame is read at.</summary>
    public double ReadPosition => _read;

    /// <summary>Frames that can still be pushed without overwriting what the read position needs.</summary>
    public int Room => (int)(_capacity - (_written - (long)Math.Floor(_read) + 2));

    /// <summary>Input frames between the read position and the end of what was pushed.</summary>
    public double Buffered => _written - _read;

    /// <summary>Forgets everything; the next frame pushed is frame 0, and reading starts there.</summary>
    public void Reset()
    {
        Array.Clear(_ring);
        _written = 0;
        _read = 0;
    }

    /// <summary>Appends interleaved frames; false (nothing pushed) when they do not fit.</summary>
    public bool Push(ReadOnlySpan<float> interleaved)
    {
        var frames = interleaved.Length / _channels;
        if (frames > Room) return false;
        for (var f = 0; f < frames; f++)
        {
            var at = (int)((_written + f) % _capacity) * _channels;
            interleaved.Slice(f * _channels, _channels).CopyTo(_ring.AsSpan(at, _channels));
        }
        _written += frames;
        return true;
    }

    /// <summary>Moves the read position (start alignment); it never goes before frame 0.</summary>
    public void Seek(double frame) => _read = Math.Max(0, frame);

    /// <summary>Whether <paramref name="frames"/> output frames at <paramref name="ratio"/> can be read now.</summary>
    public bool CanRead(int frames, double ratio) => _read + frames * ratio + 2 < _written;

    /// <summary>Writes <paramref name="frames"/> interleaved output frames, advancing by <paramref name="ratio"/> input frames each.</summary>
    public void Read(Span<float> output, int frames, double ratio)
    {
        if (output.Length < frames * _channels)
            throw new ArgumentException($"The output holds {output.Length} samples; {frames} frames need {frames * _channels}.", nameof(output));
        for (var f = 0; f < frames; f++)
        {
            var i = (long)Math.Floor(_read);
            var t = (float)(_read - i);
            for (var c = 0; c < _channels; c++)
            {
                var y0 = Sample(i - 1, c);
                var y1 = Sample(i, c);
                var y2 = Sample(i + 1, c);
                var y3 = Sample(i + 2, c);
                // Catmull-Rom: exact at t = 0 (y1) and t = 1 (y2), smooth between.
                output[f * _channels + c] = y1 + 0.5f * t * (y2 - y0 + t * (2f * y0 - 5f * y1 + 4f * y2 - y3 + t * (3f * (y1 - y2) + y3 - y0)));
            }
            _read += ratio;
        }
    }

    /// <summary>
    /// Silences what was pushed from the read position up to <paramref name="untilFrame"/>, fading
    /// the first <paramref name="fadeFrames"/> out so the cut does not click (a flush on pause or skip).
    /// </summary>
    public void FadeOut(long untilFrame, int fadeFrames)
    {
        var start = (long)Math.Floor(_read) + 2;   // what the interpolator already leans on stays
        var end = Math.Min(untilFrame, _written);
        for (var f = start; f < end; f++)
        {
            var gain = f - start < fadeFrames ? 1f - (float)(f - start + 1) / fadeFrames : 0f;
            var at = (int)(f % _capacity) * _channels;
            for (var c = 0; c < _channels; c++) _ring[at + c] *= gain;
        }
    }

    private float Sample(long frame, int channel) =>
        frame < 0 || frame >= _written || _written - frame > _capacity ? 0f : _ring[(int)(frame % _capacity) * _channels + channel];
}
