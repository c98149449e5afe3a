using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Mood.Tests;

/// <summary>
/// Prompts a new user typed that the analyzer used to misread (issue 13), plus the everyday Chinese,
/// network slang and sarcastic frames it now covers.
/// </summary>
public sealed class MisreadPromptTests
{
    private static MoodReading Read(string text) => Analyzers.Lexicon.Analyze(text);

    [Theory]
    [InlineData("心情很差")]
    [InlineData("心情很糟")]
    [InlineData("心情不好")]
    [InlineData("心情很差。")]
    [InlineData("今天心情好差")]
    public void A_bad_mood_in_Chinese_reads_sad(string text)
    {
        var r = Read(text);
        Assert.Equal(MoodLabel.Sad, r.Label);
        Assert.True(r.Valence < -0.3, $"valence {r.Valence}");
    }

    [Theory]
    [InlineData("有点想他")]
    [InlineData("我好想你")]
    [InlineData("好想她啊")]
    [InlineData("想你了")]
    public void Missing_someone_reads_sad(string text)
    {
        // Longing: sad with a romantic lean (mildly unpleasant, low arousal); docs/mood.md says why.
        var r = Read(text);
        Assert.Equal(MoodLabel.Sad, r.Label);
        Assert.InRange(r.Valence, -0.7, -0.1);
        Assert.True(r.Arousal <= 0, $"arousal {r.Arousal}");
    }

    [Fact]
    public void Wanting_something_is_still_a_wish_not_missing_someone()
    {
        Assert.Equal(MoodLabel.Calm, Read("想放松一下").Label);
        Assert.Equal(MoodLabel.Calm, Read("好想睡").Label);
    }

    [Fact]
    public void A_rainy_night_is_calm_and_quiet()
    {
        var r = Read("rainy night");
        Assert.Contains(r.Label, new[] { MoodLabel.Calm, MoodLabel.Sad });
        Assert.True(r.Arousal < 0, $"arousal {r.Arousal}");
    }

    [Fact]
    public void A_racing_mind_at_night_is_unpleasant_and_aroused()
    {
        // Anxious insomnia: negative valence, positive arousal. Labelled sad (see docs/mood.md).
        var r = Read("can't sleep, mind racing");
        Assert.NotEqual(MoodLabel.Neutral, r.Label);
        Assert.Equal(MoodLabel.Sad, r.Label);
        Assert.True(r.Arousal > 0, $"arousal {r.Arousal}");
        Assert.True(r.Valence < 0, $"valence {r.Valence}");
    }

    [Fact]
    public void Sarcastic_praise_is_not_happy_and_says_it_is_unsure()
    {
        var r = Read("great, another monday. just perfect.");
        Assert.NotEqual(MoodLabel.Happy, r.Label);
        Assert.Contains(r.Label, new[] { MoodLabel.Sad, MoodLabel.Angry });
        Assert.True(r.Valence < 0, $"valence {r.Valence}");
        Assert.True(r.IsLowConfidence, $"confidence {r.Confidence}");
        Assert.Contains(r.Evidence, e => e.Text == "(sarcasm)" && e.Note.Contains("great another"));
    }

    [Fact]
    public void A_lone_sarcasm_hint_lowers_confidence_but_keeps_sincere_praise()
    {
        var plain = Read("this dress is perfect");
        var hinted = Read("this dress is just perfect");
        Assert.Equal(MoodLabel.Happy, hinted.Label);
        Assert.True(hinted.Confidence < plain.Confidence, $"{hinted.Confidence} vs {plain.Confidence}");
        Assert.True(Read("yeah right, best day ever").Valence < 0);
    }

    [Fact]
    public void Hehe_in_Chinese_is_read_as_sarcasm()
    {
        var r = Read("呵呵，真是太好了");
        Assert.NotEqual(MoodLabel.Happy, r.Label);
        Assert.True(r.IsLowConfidence);
    }

    [Theory]
    [InlineData("好累", MoodLabel.Sad)]
    [InlineData("好困", MoodLabel.Calm)]
    [InlineData("想睡觉", MoodLabel.Calm)]
    [InlineData("好无聊", MoodLabel.Sad)]
    [InlineData("烦死了", MoodLabel.Angry)]
    [InlineData("好郁闷", MoodLabel.Sad)]
    [InlineData("我要崩溃了", MoodLabel.Sad)]
    [InlineData("开心到飞起", MoodLabel.Happy)]
    [InlineData("破防了", MoodLabel.Sad)]
    [InlineData("我emo了", MoodLabel.Sad)]
    [InlineData("这首歌绝绝子", MoodLabel.Happy)]
    [InlineData("周杰伦yyds", MoodLabel.Happy)]
    [InlineData("我真的栓Q了", MoodLabel.Angry)]
    [InlineData("我裂开了", MoodLabel.Sad)]
    [InlineData("摆烂了", MoodLabel.Sad)]
    [InlineData("躺平了", MoodLabel.Calm)]
    [InlineData("气炸了[怒]", MoodLabel.Angry)]
    [InlineData("今天好开心[哈哈]", MoodLabel.Happy)]
    public void Everyday_Chinese_and_network_slang(string text, MoodLabel expected) =>
        Assert.Equal(expected, Read(text).Label);

    [Theory]
    [InlineData("心情很差", "心情很差")]
    [InlineData("開心到飛起", "開心到飛起")]
    [InlineData("好睏", "好睏")]
    [InlineData("煩死了", "煩死了")]
    [InlineData("破防了[淚]", "[淚]")]
    [InlineData("我真的栓Q了", "栓Q了")]
    public void Traditional_and_simplified_read_alike_and_evidence_shows_what_was_typed(string typed, string evidence)
    {
        var r = Read(typed);
        Assert.NotEqual(MoodLabel.Neutral, r.Label);
        Assert.Contains(r.Evidence, e => e.Text == evidence);
        var simplified = Read(typed.Replace('開', '开').Replace('飛', '飞').Replace('睏', '困').Replace('煩', '烦').Replace('淚', '泪'));
        Assert.Equal(simplified.Label, r.Label);
        Assert.Equal(simplified.Valence, r.Valence, 9);
    }

    [Fact]
    public void Mama_is_not_a_curse()
    {
        Assert.NotEqual(MoodLabel.Angry, Read("我妈妈的生日").Label);
        Assert.Equal(MoodLabel.Angry, Read("他妈的，又迟到了").Label);
    }
}
