using MoodDJ.Plugins.Shared.Audio;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;
using MoodDJ.Plugins.LocalLibrary;

namespace MoodDJ.Sources.Tests;

public class FeatureTests
{
    [Theory(Timeout = 60000)]
    [InlineData(90)]
    [InlineData(128)]
    public async Task The_tempo_estimate_finds_the_beat_of_a_click_track(double bpm)
    {
        using var folder = new TempFolder();
        TestAudio.Clicks(folder.File("clicks.wav"), bpm, 20);
        var analysis = await new TrackAnalyzer(new LocalLibraryOptions { Folder = folder.Path, ExcerptSeconds = 20 })
            .AnalyzeAsync(folder.File("clicks.wav"), CancellationToken.None);
        Assert.InRange(analysis.Features.TempoBpm, bpm * 0.97, bpm * 1.03);
    }

    [Fact(Timeout = 60000)]
    public async Task A_fast_loud_bright_track_is_placed_higher_in_arousal_and_valence_than_a_slow_quiet_dull_one()
    {
        using var folder = new TempFolder();
        TestAudio.Clicks(folder.File("lively.wav"), 150, 12, 0.9);
        TestAudio.Sine(folder.File("quiet.wav"), 110, 12, 0.03);
        var source = new LocalMusicSource(new LocalLibraryOptions { Folder = folder.Path, ExcerptSeconds = 12 });
        await source.IndexAsync();
        var tracks = new List<TrackInfo>();
        await foreach (var t in source.FindTracksAsync(MoodReading.Neutral, 10)) tracks.Add(t);
        var lively = tracks.Single(t => t.Id == "lively.wav");
        var quiet = tracks.Single(t => t.Id == "quiet.wav");
        Assert.True(lively.Arousal > quiet.Arousal + 0.5, $"arousal {lively.Arousal} vs {quiet.Arousal}");
        Assert.True(lively.Valence > quiet.Valence, $"valence {lively.Valence} vs {quiet.Valence}");

        var first = new List<TrackInfo>();
        await foreach (var t in source.FindTracksAsync(new MoodReading(MoodLabel.Energetic, 0.5, 0.9, 1), 1)) first.Add(t);
        Assert.Equal("lively.wav", first.Single().Id);
    }

    [Fact]
    public void Silence_and_very_short_input_give_neutral_features_instead_of_failing()
    {
        var silent = FeatureExtractor.Analyze(new float[22050 * 2], 22050);
        Assert.Equal(0, silent.TempoBpm);
        Assert.Equal(0, silent.Energy);
        var tiny = FeatureExtractor.Analyze(new float[100], 22050);
        Assert.Equal(-120, tiny.LoudnessDb);
    }
}
