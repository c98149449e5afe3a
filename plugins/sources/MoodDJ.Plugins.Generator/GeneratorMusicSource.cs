using System.Globalization;
using System.Runtime.CompilerServices;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;

namespace MoodDJ.Plugins.Generator;

/// <summary>
/// The embedded music source: every candidate is a procedurally composed track whose id holds its
/// seed and mood, so opening the same id always plays the same music.
/// </summary>
public sealed class GeneratorMusicSource : IMusicSource
{
    public const string SourceName = "generator";

    /// <summary>Most candidates one search returns.</summary>
    public const int MaxCandidates = 16;

    private readonly ulong _seed;
    private readonly TimeSpan _duration;

    /// <param name="seed">Base seed; null picks a random one (different music every run).</param>
    /// <param name="trackDuration">Length of each track (default 3 minutes).</param>
    public GeneratorMusicSource(ulong? seed = null, TimeSpan? trackDuration = null)
    {
        var duration = trackDuration ?? TimeSpan.FromMinutes(3);
        if (duration < TimeSpan.FromSeconds(1) || duration.TotalMilliseconds > GeneratorOptions.MaxDurationMs)
            throw new ArgumentOutOfRangeException(nameof(trackDuration), duration, "A generated track lasts 1 s to 1 h.");
        _seed = seed ?? (ulong)Random.Shared.NextInt64();
        _duration = duration;
    }

    internal GeneratorMusicSource(GeneratorOptions options) : this(options.Seed, options.Duration)
    {
    }

    public async IAsyncEnumerable<TrackInfo> FindTracksAsync(MoodReading mood, int maxResults,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mood);
        var count = Math.Clamp(maxResults, 0, MaxCandidates);
        for (var i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A readable 30-bit seed per candidate, derived from the base seed.
            var trackSeed = DeterministicRandom.Hash(_seed, (ulong)i) >> 34;
            var id = GeneratedTrackId.Create(trackSeed, mood.Label, mood.Valence, mood.Arousal, _duration);
            yield return Describe(new Arrangement(id));
        }
        await Task.CompletedTask;
    }

    public ValueTask<IPcmStream> OpenAsync(TrackInfo track, AudioFormat format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(track);
        cancellationToken.ThrowIfCancellationRequested();
        if (!GeneratedTrackId.TryParse(track.Id, out var id))
            throw new MusicSourceException(
                $"'{track.Id}' is not a generator track id (expected gen1_<seed>_<mood>_<valence>_<arousal>_<ms>, as FindTracksAsync returns).");
        return ValueTask.FromResult<IPcmStream>(new GeneratorStream(new Arrangement(id), format));
    }

    internal static TrackInfo Describe(Arrangement arrangement)
    {
        var id = arrangement.Id;
        var inv = CultureInfo.InvariantCulture;
        return new TrackInfo
        {
            Source = SourceName,
            Id = id.ToString(),
            Title = arrangement.Title,
            Artist = "MoodDJ generator",
            Duration = id.Duration,
            Valence = id.Valence,
            Arousal = id.Arousal,
            Tags = new Dictionary<string, string>
            {
                ["tempo"] = arrangement.Bpm.ToString(inv),
                ["key"] = arrangement.KeyName,
                ["mode"] = arrangement.Mode,
                ["scale"] = arrangement.Scale.Name,
                ["mood"] = id.Mood.ToString().ToLowerInvariant(),
                ["seed"] = id.Seed.ToString(inv),
            },
        };
    }
}
