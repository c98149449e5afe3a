using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;
using MoodDJ.Plugins.Generator;

namespace MoodDJ.Audio.Tests;

/// <summary>Helpers that find and render generator tracks for the tests.</summary>
internal static class GeneratorRender
{
    public static readonly IReadOnlyDictionary<MoodLabel, (double Valence, double Arousal)> Points = new Dictionary<MoodLabel, (double, double)>
    {
        [MoodLabel.Happy] = (0.8, 0.5),
        [MoodLabel.Energetic] = (0.5, 0.9),
        [MoodLabel.Calm] = (0.4, -0.7),
        [MoodLabel.Sad] = (-0.7, -0.4),
        [MoodLabel.Angry] = (-0.7, 0.8),
        [MoodLabel.Romantic] = (0.7, -0.1),
        [MoodLabel.Focused] = (0.1, -0.2),
        [MoodLabel.Neutral] = (0, 0),
    };

    public static MoodReading Reading(MoodLabel mood) => new(mood, Points[mood].Valence, Points[mood].Arousal, 0.9);

    public static async Task<TrackInfo> FirstTrackAsync(GeneratorMusicSource source, MoodLabel mood)
    {
        await foreach (var track in source.FindTracksAsync(Reading(mood), 1)) return track;
        throw new InvalidOperationException("no track");
    }

    public static async Task<float[]> RenderAsync(IPcmStream stream, TimeSpan length, int chunkSamples = 4410)
    {
        var total = stream.Format.SamplesFor(length);
        var samples = new float[total];
        var done = 0;
        while (done < total)
        {
            var n = await stream.ReadAsync(samples.AsMemory(done, Math.Min(chunkSamples, total - done)));
            if (n == 0) break;
            done += n;
        }
        return done == total ? samples : samples[..done];
    }

    public static async Task<float[]> RenderMoodAsync(MoodLabel mood, TimeSpan length, AudioFormat? format = null, ulong seed = 7, TimeSpan? skip = null)
    {
        var source = new GeneratorMusicSource(seed, TimeSpan.FromMinutes(3));
        var track = await FirstTrackAsync(source, mood);
        await using var stream = await source.OpenAsync(track, format ?? AudioFormat.SeedMono);
        if (skip is { } s) await stream.SeekAsync(s);
        return await RenderAsync(stream, length);
    }
}
