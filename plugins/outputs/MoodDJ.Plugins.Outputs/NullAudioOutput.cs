using MoodDJ.Abstractions.Audio;

namespace MoodDJ.Plugins.Outputs;

/// <summary>"null": swallows audio; with <c>pace</c> on it takes as long as playing would.</summary>
public sealed class NullAudioOutput(bool pace, TimeSpan? lead = null) : IAudioOutput
{
    public bool Pace { get; } = pace;

    public ValueTask<IAudioPlayback> OpenAsync(AudioFormat format, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pacer = Pace ? new RealTimePacer(format.SampleRate, lead ?? TimeSpan.FromMilliseconds(100)) : null;
        return ValueTask.FromResult<IAudioPlayback>(new NullPlayback(format, pacer));
    }
}

internal sealed class NullPlayback(AudioFormat format, RealTimePacer? pacer) : IAudioPlayback
{
    public AudioFormat Format { get; } = format;

    /// <summary>Samples swallowed so far.</summary>
    public long SamplesWritten { get; private set; }

    public ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (samples.Length % Format.Channels != 0)
            throw new ArgumentException($"Write whole frames: {samples.Length} samples is not a multiple of {Format.Channels} channels.", nameof(samples));
        SamplesWritten += samples.Length;
        return pacer?.AdvanceAsync(samples.Length / Format.Channels, cancellationToken) ?? ValueTask.CompletedTask;
    }

    public ValueTask DrainAsync(CancellationToken cancellationToken = default)
        => pacer?.DrainAsync(cancellationToken) ?? ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
