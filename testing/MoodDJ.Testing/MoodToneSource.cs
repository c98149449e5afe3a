using System.Runtime.CompilerServices;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;

namespace MoodDJ.Testing;

/// <summary>
/// A music source whose tracks are steady sines, one frequency per mood, so a listener's audio tells
/// which mood's track it hears (and how loud) with a Goertzel filter. Tracks last an hour: a change is
/// a crossfade, never a track's end.
/// </summary>
public sealed class MoodToneSource : IMusicSource
{
    public const float Amplitude = 0.4f;

    /// <summary>The tone of <paramref name="mood"/>'s tracks (all below 1.2 kHz, so any codec keeps them).</summary>
    public static double HertzOf(MoodLabel mood) => 300 + 100 * (int)mood;

    public async IAsyncEnumerable<TrackInfo> FindTracksAsync(MoodReading mood, int maxResults, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        for (var i = 0; i < Math.Min(maxResults, 3); i++)
            yield return new TrackInfo { Source = "tone", Id = $"{mood.Label}-{i}", Title = $"{mood.Label} tone {i}", Duration = TimeSpan.FromHours(1) };
    }

    public ValueTask<IPcmStream> OpenAsync(TrackInfo track, AudioFormat format, CancellationToken cancellationToken = default)
    {
        var mood = Enum.Parse<MoodLabel>(track.Id[..track.Id.IndexOf('-')]);
        return ValueTask.FromResult<IPcmStream>(new Sine(format, HertzOf(mood)));
    }

    private sealed class Sine(AudioFormat format, double hz) : IPcmStream
    {
        private long _frame;
        public AudioFormat Format => format;
        public TimeSpan? Duration => TimeSpan.FromHours(1);
        public TimeSpan Position => format.DurationOf(_frame * format.Channels);
        public bool CanSeek => false;

        public ValueTask<int> ReadAsync(Memory<float> buffer, CancellationToken cancellationToken = default)
        {
            var span = buffer.Span[..(buffer.Length / format.Channels * format.Channels)];
            for (var i = 0; i < span.Length; i += format.Channels, _frame++)
                span.Slice(i, format.Channels).Fill(Amplitude * (float)Math.Sin(2 * Math.PI * hz * _frame / format.SampleRate));
            return ValueTask.FromResult(span.Length);
        }

        public ValueTask SeekAsync(TimeSpan position, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>An audio output that measures, per 20 ms block as it is played, the amplitude of each mood's tone (Goertzel), with the time it was played.</summary>
public sealed class ToneTrackingOutput : IAudioOutput, IAudioPlayback
{
    private readonly List<(long Timestamp, double[] Amplitudes)> _blocks = [];
    private float[] _pending = [];
    private int _pendingCount;

    public AudioFormat Format { get; private set; } = AudioFormat.SeedMono;

    /// <summary>Stopwatch timestamp and each mood's tone amplitude (index: (int)MoodLabel; 0.4 = full level) of every block played so far.</summary>
    public IReadOnlyList<(long Timestamp, double[] Amplitudes)> Blocks
    {
        get { lock (_blocks) return [.. _blocks]; }
    }

    public ValueTask<IAudioPlayback> OpenAsync(AudioFormat format, CancellationToken cancellationToken = default)
    {
        Format = format;
        _pending = new float[format.SampleRate / 50];
        return ValueTask.FromResult<IAudioPlayback>(this);
    }

    public ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken = default)
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        var span = samples.Span;
        for (var i = 0; i < span.Length; i += Format.Channels)
        {
            _pending[_pendingCount++] = span[i];
            if (_pendingCount < _pending.Length) continue;
            var block = (now, Enum.GetValues<MoodLabel>().Select(m => Amplitude(_pending, MoodToneSource.HertzOf(m))).ToArray());
            lock (_blocks) _blocks.Add(block);
            _pendingCount = 0;
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask DrainAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The amplitude of <paramref name="hz"/> in <paramref name="x"/> (Goertzel; 0.4 for a full-level MoodToneSource tone).</summary>
    private double Amplitude(ReadOnlySpan<float> x, double hz)
    {
        var coefficient = 2 * Math.Cos(2 * Math.PI * hz / Format.SampleRate);
        double s1 = 0, s2 = 0;
        foreach (var sample in x) (s1, s2) = (sample + coefficient * s1 - s2, s1);
        var power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
        return 2 * Math.Sqrt(Math.Max(0, power)) / x.Length;
    }
}
