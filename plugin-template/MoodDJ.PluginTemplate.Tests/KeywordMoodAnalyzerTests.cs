using MoodDJ.Abstractions.Mood;
using MoodDJ.PluginTemplate;
using Xunit;

namespace MoodDJ.PluginTemplate.Tests;

public class KeywordMoodAnalyzerTests
{
    [Fact]
    public async Task A_configured_keyword_gives_its_mood_with_the_keyword_as_evidence()
    {
        var analyzer = new KeywordMoodAnalyzer(KeywordMoodAnalyzer.DefaultKeywords);

        var reading = await analyzer.AnalyzeAsync("Listening to the rain all afternoon");

        Assert.Equal(MoodLabel.Sad, reading.Label);
        Assert.True(reading.Valence < 0);
        Assert.Contains(reading.Evidence, e => e.Text == "rain");
    }

    [Fact]
    public async Task Text_without_keywords_is_neutral()
    {
        var analyzer = new KeywordMoodAnalyzer(KeywordMoodAnalyzer.DefaultKeywords);

        var reading = await analyzer.AnalyzeAsync("The meeting is at three");

        Assert.Equal(MoodLabel.Neutral, reading.Label);
    }
}
