namespace MoodDJ.Abstractions.Audio;

/// <summary>
/// A pull stream of PCM audio in <see cref="Format"/> (float, interleaved). One track from a music
/// source, or any stage that transforms one.
/// </summary>
public interface IPcmStream : IAsyncDisposable
{
    AudioFormat Format { get; }

    /// <summary>Total length if known (a live or procedural source may not know it).</summary>
    TimeSpan? Duration { get; }

    /// <summary>How far into the stream the next read starts.</summary>
    TimeSpan Position { get; }

    bool CanSeek { get; }

    /// <summary>
    /// Fills <paramref name="buffer"/> with up to its length in samples (a whole number of frames)
    /// and returns how many were written; 0 only at the end of the stream.
    /// </summary>
    ValueTask<int> ReadAsync(Memory<float> buffer, CancellationToken cancellationToken = default);

    /// <summary>Moves to <paramref name="position"/>. Throws <see cref="NotSupportedException"/> when <see cref="CanSeek"/> is false.</summary>
    ValueTask SeekAsync(TimeSpan position, CancellationToken cancellationToken = default);
}
