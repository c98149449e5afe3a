namespace MoodDJ.Abstractions.Audio;

/// <summary>Somewhere PCM can be played or written: a sound card, a file, a pipe. Kind: "audio-output".</summary>
public interface IAudioOutput
{
    /// <summary>Opens a playback session in <paramref name="format"/>. Throws with a clear message if the device cannot be opened.</summary>
    ValueTask<IAudioPlayback> OpenAsync(AudioFormat format, CancellationToken cancellationToken = default);
}

/// <summary>One open playback session.</summary>
public interface IAudioPlayback : IAsyncDisposable
{
    AudioFormat Format { get; }

    /// <summary>
    /// Plays or writes <paramref name="samples"/> (interleaved). Outputs that play in real time pace
    /// themselves: this returns when the device can take more, not instantly.
    /// </summary>
    ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken = default);

    /// <summary>Waits until everything written has been played or flushed.</summary>
    ValueTask DrainAsync(CancellationToken cancellationToken = default);
}
