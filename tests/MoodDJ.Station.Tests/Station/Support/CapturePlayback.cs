using MoodDJ.Abstractions.Audio;

namespace MoodDJ.Station.Tests.Station.Support;

/// <summary>An audio output that keeps what it is given (the test compares it with the source); the player paces itself.</summary>
internal sealed class CapturePlayback(AudioFormat format, int capacitySamples) : IAudioOutput, IAudioPlayback
{
    private readonly float[] _samples = new float[capacitySamples];
    private int _count;
    private long _firstNonSilentTicks = -1;

    public AudioFormat Format => format;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Stopwatch timestamp of the first sample that was not silence, or -1.</summary>
    public long FirstNonSilentTimestamp => Interlocked.Read(ref _firstNonSilentTicks);

    public ReadOnlySpan<float> Samples => _samples.AsSpan(0, Count);

    public ValueTask<IAudioPlayback> OpenAsync(AudioFormat f, CancellationToken cancellationToken = default) => ValueTask.FromResult<IAudioPlayback>(this);

    public ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken = default)
    {
        var span = samples.Span;
        if (_firstNonSilentTicks < 0)
        {
            foreach (var s in span)
            {
                if (Math.Abs(s) > 1e-3f)
                {
                    Interlocked.CompareExchange(ref _firstNonSilentTicks, System.Diagnostics.Stopwatch.GetTimestamp(), -1);
                    break;
                }
            }
        }
        var room = Math.Min(span.Length, _samples.Length - _count);
        span[..room].CopyTo(_samples.AsSpan(_count));
        Volatile.Write(ref _count, _count + room);
        return ValueTask.CompletedTask;
    }

    public ValueTask DrainAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
