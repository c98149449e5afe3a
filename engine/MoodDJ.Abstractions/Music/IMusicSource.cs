using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Abstractions.Music;

/// <summary>Finds music that fits a mood and decodes it to PCM. Kind: "music-source".</summary>
public interface IMusicSource
{
    /// <summary>Candidate tracks for <paramref name="mood"/>, best fit first, at most <paramref name="maxResults"/>.</summary>
    IAsyncEnumerable<TrackInfo> FindTracksAsync(MoodReading mood, int maxResults, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens <paramref name="track"/> as PCM in <paramref name="format"/> (the source resamples).
    /// Throws <see cref="MusicSourceException"/> with a clear reason when the track cannot be played.
    /// </summary>
    ValueTask<IPcmStream> OpenAsync(TrackInfo track, AudioFormat format, CancellationToken cancellationToken = default);
}

/// <summary>A track could not be found or played; the message says why and what to do.</summary>
public class MusicSourceException(string message, Exception? inner = null) : Exception(message, inner);
