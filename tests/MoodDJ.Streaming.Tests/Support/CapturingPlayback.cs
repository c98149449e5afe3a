using MoodDJ.Abstractions.Audio;

namespace MoodDJ.Streaming.Tests.Support;

/// <summary>An output that keeps every sample written, for comparing against the source.</summary>
internal sealed class CapturingPlayback(AudioFormat format) : IAudioPlayback
{
    private readonly List<float> _samples = new();

    public AudioFormat Format { get; } = format;

    public int Count { get { lock (_samples) return _samples.Count; } }

    public float[] Snapshot() { lock (_samples) return _samples.ToArray(); }

    public ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken = default)
    {
        lock (_samples) _samples.AddRange(samples.Span);
        return ValueTask.CompletedTask;
    }

    public ValueTask DrainAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
