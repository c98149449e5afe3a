using MoodDJ.Abstractions.Audio;

namespace MoodDJ.Plugins.Generator;

/// <summary>
/// Synthesizes one generated track on demand, block by block. Seeking re-composes the bars that can
/// still sound at the target and advances their notes to it, so a seek lands on exactly the samples a
/// read from the start would have produced.
/// </summary>
internal sealed class GeneratorStream : IPcmStream
{
    private const int BlockFrames = 1024;
    private const float Threshold = 0.5f;
    private const float Ceiling = 0.98f;

    private readonly Arrangement _arrangement;
    private readonly Composer _composer;
    private readonly PreparedPatch[] _patches;
    private readonly long _totalFrames;
    private readonly double _stepFrames;
    private readonly long _tailFrames;
    private readonly long _fadeOutFrames;
    private readonly long _fadeInFrames;
    private readonly float _masterGain;
    private readonly float[] _left = new float[BlockFrames];
    private readonly float[] _right = new float[BlockFrames];
    private readonly List<NoteEvent> _notes = new(256);
    private Voice[] _voices = new Voice[256];
    private int _voiceCount;
    private int _nextBar;
    private long _frame;
    private bool _disposed;

    public GeneratorStream(Arrangement arrangement, AudioFormat format)
    {
        _arrangement = arrangement;
        _composer = new Composer(arrangement);
        Format = format;
        var style = arrangement.Style;
        Patch[] byPart = [style.BassPatch, style.ChordPatch, style.PadPatch ?? style.ChordPatch, style.LeadPatch,
                          style.KickPatch, style.SnarePatch, style.HatPatch, style.OpenHatPatch];
        _patches = byPart.Select(p => new PreparedPatch(p, format.SampleRate, arrangement.Brightness)).ToArray();
        _totalFrames = (long)Math.Round(arrangement.Id.Duration.TotalSeconds * format.SampleRate);
        _stepFrames = arrangement.BarSeconds * format.SampleRate / 16;
        // Notes start within a bar plus an echo and last at most a bar: two bars plus the longest ring.
        _tailFrames = (long)(32 * _stepFrames) + _patches.Max(p => Math.Max(p.TailFrames, p.ReleaseFrames)) + 1;
        _fadeOutFrames = Math.Min((long)(3.0 * format.SampleRate), _totalFrames / 4);
        _fadeInFrames = format.SampleRate / 100;
        _masterGain = (float)style.MasterGain;
    }

    public AudioFormat Format { get; }
    public TimeSpan? Duration => _arrangement.Id.Duration;
    public TimeSpan Position => TimeSpan.FromTicks(_frame * TimeSpan.TicksPerSecond / Format.SampleRate);
    public bool CanSeek => true;
    internal Arrangement Arrangement => _arrangement;
    internal int VoiceCount => _voiceCount;

    public ValueTask<int> ReadAsync(Memory<float> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        var channels = Format.Channels;
        if (buffer.Length > 0 && buffer.Length < channels)
            throw new ArgumentException($"The buffer must hold at least one frame ({channels} samples).", nameof(buffer));
        var frames = (int)Math.Min(buffer.Length / channels, _totalFrames - _frame);
        var output = buffer.Span;
        var done = 0;
        while (done < frames)
        {
            var block = Math.Min(BlockFrames, frames - done);
            RenderBlock(block);
            WriteBlock(output.Slice(done * channels, block * channels), block);
            _frame += block;
            done += block;
        }
        return ValueTask.FromResult(done * channels);
    }

    public ValueTask SeekAsync(TimeSpan position, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (position < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(position), position, "Cannot seek before the start.");
        var target = Math.Min(_totalFrames, (long)Math.Round(position.TotalSeconds * Format.SampleRate));
        _voiceCount = 0;
        _nextBar = Math.Max(0, BarAt(target - _tailFrames));
        while (_nextBar < _arrangement.BarCount && BarStart(_nextBar) <= target)
            Schedule(_nextBar++);

        // Advance every note already sounding at the target, exactly as playing would have.
        var kept = 0;
        for (var i = 0; i < _voiceCount; i++)
        {
            ref var v = ref _voices[i];
            if (v.Onset + v.Length <= target) continue;
            while (v.Onset + v.Age < target)
            {
                var n = (int)Math.Min(BlockFrames, target - v.Onset - v.Age);
                v.Render(_left.AsSpan(0, n), _right.AsSpan(0, n));
            }
            _voices[kept++] = v;
        }
        _voiceCount = kept;
        _frame = target;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        return ValueTask.CompletedTask;
    }

    private void RenderBlock(int frames)
    {
        var start = _frame;
        var end = start + frames;
        while (_nextBar < _arrangement.BarCount && BarStart(_nextBar) < end)
            Schedule(_nextBar++);

        var left = _left.AsSpan(0, frames);
        var right = _right.AsSpan(0, frames);
        left.Clear();
        right.Clear();
        var kept = 0;
        for (var i = 0; i < _voiceCount; i++)
        {
            ref var v = ref _voices[i];
            if (v.Onset < end)
            {
                var offset = (int)(v.Onset + v.Age - start);
                var n = Math.Min(v.Length - v.Age, frames - offset);
                v.Render(left.Slice(offset, n), right.Slice(offset, n));
            }
            if (!v.Finished) _voices[kept++] = v; // keeps the order, so sums are the same after a seek
        }
        _voiceCount = kept;
    }

    private void WriteBlock(Span<float> output, int frames)
    {
        var channels = Format.Channels;
        for (var i = 0; i < frames; i++)
        {
            var gain = _masterGain * Fade(_frame + i);
            var l = Limit(_left[i] * gain);
            var r = Limit(_right[i] * gain);
            var o = output.Slice(i * channels, channels);
            if (channels == 1)
            {
                o[0] = Limit((_left[i] + _right[i]) * 0.7071f * gain);
                continue;
            }
            for (var c = 0; c < channels; c++) o[c] = c % 2 == 0 ? l : r;
        }
    }

    /// <summary>Gentle fade in over 10 ms and out over the last seconds of the track.</summary>
    private float Fade(long frame)
    {
        if (frame < _fadeInFrames) return (frame + 1) / (float)_fadeInFrames;
        var remaining = _totalFrames - frame;
        if (remaining >= _fadeOutFrames) return 1;
        var x = remaining / (float)_fadeOutFrames;
        return x * x * (3 - 2 * x);
    }

    /// <summary>Soft limiter with no memory (so seeking stays exact): linear below the threshold, a tanh knee above, never reaching full scale.</summary>
    internal static float Limit(float x)
    {
        var a = Math.Abs(x);
        if (a <= Threshold) return x;
        var shaped = Threshold + (Ceiling - Threshold) * MathF.Tanh((a - Threshold) / (Ceiling - Threshold));
        return x < 0 ? -shaped : shaped;
    }

    private long BarStart(int bar) => (long)Math.Round(bar * 16 * _stepFrames);

    private int BarAt(long frame) => frame <= 0 ? 0 : (int)(frame / (16 * _stepFrames));

    private void Schedule(int bar)
    {
        _notes.Clear();
        _composer.Compose(bar, _notes);
        var swing = _arrangement.Style.Swing;
        for (var i = 0; i < _notes.Count; i++)
        {
            var note = _notes[i];
            var step = note.Step + (swing > 0 && note.Step % 4 == 2 ? swing : 0);
            var onset = (long)Math.Round((bar * 16 + step) * _stepFrames);
            if (onset >= _totalFrames) continue;
            var gate = (int)Math.Round(note.Length * _stepFrames);
            var frequency = 440 * Math.Pow(2, (note.Midi - 69) / 12.0);
            var noiseSeed = (uint)DeterministicRandom.Hash(_arrangement.Id.Seed, (ulong)bar, (ulong)i);
            if (_voiceCount == _voices.Length) Array.Resize(ref _voices, _voices.Length * 2);
            _voices[_voiceCount++] = Voice.Start(_patches[(int)note.Part], onset, gate, frequency, note.Velocity, note.Pan, noiseSeed);
        }
    }
}
