using MoodDJ.Abstractions.Mood;
using MoodDJ.Music;
using MoodDJ.Testing;

namespace MoodDJ.Sources.Tests;

/// <summary>An unsure mood reading is played for by its valence and arousal, a sure one by its label.</summary>
public class LowConfidencePickTests
{
    [Fact(Timeout = 30000)]
    public async Task A_low_confidence_reading_picks_by_valence_and_arousal_not_by_label()
    {
        // "great, another monday" misread as happy, but its point is unpleasant and quiet: sad music.
        var unsure = new MoodReading(MoodLabel.Happy, -0.6, -0.3, 0.2);
        Assert.True(unsure.IsLowConfidence);
        Assert.Equal(MoodLabel.Sad, await PlayedFor(unsure));
    }

    [Fact(Timeout = 30000)]
    public async Task A_confident_reading_picks_by_its_label()
    {
        // Romantic is a cue, not a region: a sure reading keeps it even where the point says happy.
        var sure = new MoodReading(MoodLabel.Romantic, 0.6, 0.1, 0.8);
        Assert.False(sure.IsLowConfidence);
        Assert.Equal(MoodLabel.Romantic, await PlayedFor(sure));
    }

    [Theory]
    [InlineData(0.1, 0.9, MoodLabel.Neutral)]
    [InlineData(0.5, 0.6, MoodLabel.Energetic)]
    [InlineData(0.5, 0.1, MoodLabel.Happy)]
    [InlineData(0.5, -0.5, MoodLabel.Calm)]
    [InlineData(-0.5, 0.5, MoodLabel.Angry)]
    [InlineData(-0.5, -0.2, MoodLabel.Sad)]
    public void Regions_follow_the_circumplex(double valence, double arousal, MoodLabel expected) =>
        Assert.Equal(expected, MoodReading.RegionOf(valence, arousal));

    private static async Task<MoodLabel> PlayedFor(MoodReading mood)
    {
        await using var director = new MusicDirector([new MoodToneSource()], DirectorTests.Format, DirectorTests.Options());
        await director.SetMoodAsync(mood);
        await DirectorTests.Read(director, 0.2);
        await DirectorTests.WaitUntil(() => director.NowPlaying is not null);
        var id = director.NowPlaying!.Id;
        return Enum.Parse<MoodLabel>(id[..id.IndexOf('-')]);
    }
}
