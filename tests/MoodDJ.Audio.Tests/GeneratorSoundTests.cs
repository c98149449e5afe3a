using System.Globalization;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Testing;
using MoodDJ.Plugins.Generator;
using Xunit.Abstractions;

namespace MoodDJ.Audio.Tests;

/// <summary>The generator's music, measured: moods differ in tempo, brightness and mode; nothing clips or clicks.</summary>
public class GeneratorSoundTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Into = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Excerpt = TimeSpan.FromSeconds(16);

    private async Task<(MusicFeatures Features, float[] Samples, Abstractions.Music.TrackInfo Track)> MeasureAsync(MoodLabel mood)
    {
        var source = new GeneratorMusicSource(7, TimeSpan.FromMinutes(3));
        var track = await GeneratorRender.FirstTrackAsync(source, mood);
        await using var stream = await source.OpenAsync(track, AudioFormat.SeedMono);
        await stream.SeekAsync(Into);
        var samples = await GeneratorRender.RenderAsync(stream, Excerpt);
        var features = MusicFeatures.Measure(samples, 44100, track);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{mood,-10} {track.Title,-42} measured {features.Bpm,5:0} BPM, centroid {features.CentroidHz,5:0} Hz, major/minor third {features.MajorThirdRatio:0.00}"));
        return (features, samples, track);
    }

    [Fact]
    public async Task Happy_music_is_brighter_than_sad_music_and_major_where_sad_is_minor()
    {
        var happy = (await MeasureAsync(MoodLabel.Happy)).Features;
        var sad = (await MeasureAsync(MoodLabel.Sad)).Features;
        Assert.True(happy.CentroidHz > 2 * sad.CentroidHz, $"happy centroid {happy.CentroidHz:0} Hz vs sad {sad.CentroidHz:0} Hz");
        Assert.True(happy.SoundsMajor, $"happy major/minor third ratio {happy.MajorThirdRatio:0.00}");
        Assert.False(sad.SoundsMajor, $"sad major/minor third ratio {sad.MajorThirdRatio:0.00}");
    }

    [Fact]
    public async Task Energetic_music_is_measurably_faster_than_calm_music_at_the_tempo_its_tags_declare()
    {
        var (energetic, _, energeticTrack) = await MeasureAsync(MoodLabel.Energetic);
        var (calm, _, calmTrack) = await MeasureAsync(MoodLabel.Calm);
        Assert.True(energetic.Bpm > calm.Bpm + 40, $"energetic {energetic.Bpm:0} BPM vs calm {calm.Bpm:0} BPM");
        Assert.InRange(energetic.Bpm, 0.95 * Tempo(energeticTrack), 1.05 * Tempo(energeticTrack));
        Assert.InRange(calm.Bpm, 0.95 * Tempo(calmTrack), 1.05 * Tempo(calmTrack));
    }

    [Fact]
    public async Task Every_mood_differs_from_every_other_in_tempo_brightness_or_mode()
    {
        var measured = new Dictionary<MoodLabel, MusicFeatures>();
        foreach (var mood in Enum.GetValues<MoodLabel>()) measured[mood] = (await MeasureAsync(mood)).Features;
        foreach (var (a, fa) in measured)
        foreach (var (b, fb) in measured)
        {
            if (a >= b) continue;
            var tempoDiffers = Math.Abs(fa.Bpm - fb.Bpm) > 0.1 * Math.Max(fa.Bpm, fb.Bpm);
            var brightnessDiffers = Math.Abs(fa.CentroidHz - fb.CentroidHz) > 0.25 * Math.Max(fa.CentroidHz, fb.CentroidHz);
            var modeDiffers = fa.SoundsMajor != fb.SoundsMajor;
            Assert.True(tempoDiffers || brightnessDiffers || modeDiffers, $"{a} and {b} measure alike: {fa} vs {fb}");
        }
    }

    [Fact]
    public async Task No_mood_clips_or_clicks()
    {
        foreach (var mood in Enum.GetValues<MoodLabel>())
        {
            var samples = await GeneratorRender.RenderMoodAsync(mood, TimeSpan.FromSeconds(8), skip: TimeSpan.FromSeconds(20));
            var peak = LevelMeter.Peak(samples);
            var jump = LevelMeter.MaxJump(samples);
            var rms = LevelMeter.ToDbfs(LevelMeter.Rms(samples));
            output.WriteLine($"{mood,-10} peak {peak:0.000} rms {rms:0.0} dBFS max jump {jump:0.000}");
            Assert.True(peak < 0.99f, $"{mood} peaks at {peak}");
            Assert.InRange(rms, -24, -8);
            // Bright timbres (saw leads, hats) move fast by nature; soft ones never do, so a click would stand out.
            var bound = mood is MoodLabel.Calm or MoodLabel.Sad ? 0.1f : 0.45f;
            Assert.True(jump < bound, $"{mood} has a sample-to-sample jump of {jump}");
        }
    }

    [Fact]
    public async Task A_track_starts_and_ends_in_silence_without_a_step()
    {
        var source = new GeneratorMusicSource(3, TimeSpan.FromSeconds(12));
        var track = await GeneratorRender.FirstTrackAsync(source, MoodLabel.Angry);
        await using var stream = await source.OpenAsync(track, AudioFormat.SeedMono);
        var all = await GeneratorRender.RenderAsync(stream, TimeSpan.FromSeconds(20));
        Assert.Equal(AudioFormat.SeedMono.SamplesFor(TimeSpan.FromSeconds(12)), all.Length);
        Assert.Equal(0, await stream.ReadAsync(new float[441]));
        Assert.True(Math.Abs(all[0]) < 0.01f);
        Assert.True(LevelMeter.Peak(all.AsSpan(all.Length - 441)) < 0.01f, "the last 10 ms are faded out");
        Assert.True(LevelMeter.Rms(all.AsSpan(44100 * 5, 44100)) > 0.05, "the middle is not silent");
    }

    private static double Tempo(Abstractions.Music.TrackInfo track) => double.Parse(track.Tags["tempo"], CultureInfo.InvariantCulture);
}
