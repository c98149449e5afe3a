using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Mood.Tests;

/// <summary>
/// How Chinese says degree, negation, questions and scorn (the zh-more pass): sentences written for
/// these tests, not taken from the dev set.
/// </summary>
public sealed class ChineseStructureTests
{
    private static MoodReading Read(string text) => Analyzers.Lexicon.Analyze(text);

    [Theory]
    [InlineData("笑死，什么垃圾东西")]
    [InlineData("哈哈哈哈你有病吧")]
    [InlineData("哈哈，什么破手机")]
    public void Laughter_beside_anger_is_scorn(string text)
    {
        var r = Read(text);
        Assert.Equal(MoodLabel.Angry, r.Label);
        Assert.Contains(r.Evidence, e => e.Note.Contains("mockery"));
    }

    [Fact]
    public void Laughter_alone_or_beside_joy_stays_happy()
    {
        Assert.Equal(MoodLabel.Happy, Read("哈哈，今天好开心").Label);
        Assert.Equal(MoodLabel.Happy, Read("哈哈哈哈笑死我了").Label);
    }

    [Theory]
    [InlineData("累得要命", "累", "得要命")]
    [InlineData("烦到爆", "烦", "到爆")]
    [InlineData("无聊极了", "无聊", "极了")]
    [InlineData("伤心透了", "伤心", "透了")]
    [InlineData("疼得厉害", "疼", "得厉害")]
    public void A_degree_word_after_the_mood_word_strengthens_it(string text, string word, string degree)
    {
        var r = Read(text);
        var plain = Read(word);
        Assert.Equal(plain.Label, r.Label);
        Assert.True(Math.Abs(r.Valence) > Math.Abs(plain.Valence) + 0.05, $"{text} {r.Valence:0.00} vs {word} {plain.Valence:0.00}");
        Assert.Contains(r.Evidence, e => e.Note.Contains(degree));
    }

    [Fact]
    public void Dead_after_a_mood_word_is_a_degree_elsewhere_a_death()
    {
        var handsome = Read("帅死了");
        Assert.Equal(MoodLabel.Happy, handsome.Label);
        Assert.Contains(handsome.Evidence, e => e.Note.Contains("死了"));
        Assert.Equal(MoodLabel.Sad, Read("我的猫死了").Label);
    }

    [Fact]
    public void A_degree_word_with_nothing_before_it_says_nothing() =>
        Assert.Equal(MoodLabel.Neutral, Read("极了").Label);

    [Theory]
    [InlineData("你是不是傻", MoodLabel.Angry)]
    [InlineData("是不是很开心", MoodLabel.Happy)]
    [InlineData("能不能别烦我了", MoodLabel.Angry)]
    public void An_A_not_A_question_negates_nothing(string text, MoodLabel expected) =>
        Assert.Equal(expected, Read(text).Label);

    [Theory]
    [InlineData("一点都不好玩")]
    [InlineData("一点也不开心")]
    [InlineData("根本不开心")]
    [InlineData("没那么开心")]
    public void Not_at_all_negates(string text)
    {
        var r = Read(text);
        Assert.Equal(MoodLabel.Sad, r.Label);
        Assert.True(r.Valence < -0.2, $"valence {r.Valence}");
    }

    [Theory]
    [InlineData("从来没有这么开心过")]
    [InlineData("好久没有这么开心过了")]
    [InlineData("從來沒有這麼開心過")]
    public void Never_this_happy_is_very_happy(string text)
    {
        var r = Read(text);
        Assert.Equal(MoodLabel.Happy, r.Label);
        Assert.True(r.Valence > 0.5, $"valence {r.Valence}");
    }

    [Theory]
    [InlineData("质量太差了，要求退款")]
    [InlineData("这家店不发货，客服也不理人")]
    [InlineData("什么破手机，用了三天就坏了")]
    [InlineData("態度惡劣，再也不來了")]
    [InlineData("你还好意思说？")]
    [InlineData("爱去不去")]
    public void Complaints_read_angry(string text) =>
        Assert.Equal(MoodLabel.Angry, Read(text).Label);

    [Theory]
    [InlineData("爱秋天", MoodLabel.Happy)]
    [InlineData("好爱这首歌", MoodLabel.Happy)]
    [InlineData("我爱他", MoodLabel.Romantic)]
    [InlineData("我爱你", MoodLabel.Romantic)]
    public void Love_of_things_is_happy_love_of_a_person_romantic(string text, MoodLabel expected) =>
        Assert.Equal(expected, Read(text).Label);

    [Theory]
    [InlineData("被喜欢的人拒绝了", MoodLabel.Sad)]
    [InlineData("他不要我了", MoodLabel.Sad)]
    [InlineData("终于见到偶像了！", MoodLabel.Happy)]
    [InlineData("今天好难受QAQ", MoodLabel.Sad)]
    [InlineData("什么玩意[吐血]", MoodLabel.Angry)]
    [InlineData("生日快乐[蛋糕]", MoodLabel.Happy)]
    public void Everyday_sentences(string text, MoodLabel expected) =>
        Assert.Equal(expected, Read(text).Label);

    [Theory]
    [InlineData("太好了，又下雨了，又没带伞")]
    [InlineData("真棒，又加班")]
    [InlineData("真是好极了，电脑又死机了")]
    [InlineData("你可真厉害啊，一天迟到三次")]
    public void Praise_then_again_something_unwelcome_is_sarcasm(string text)
    {
        var r = Read(text);
        Assert.True(r.Valence < -0.2, $"valence {r.Valence}");
        Assert.True(r.IsLowConfidence);
        Assert.Contains(r.Evidence, e => e.Text == "(sarcasm)");
    }

    [Theory]
    [InlineData("好开心，又可以去旅游了")]
    [InlineData("好开心，我又见到你了")]
    public void Praise_then_again_something_welcome_stays_happy(string text)
    {
        var r = Read(text);
        Assert.Equal(MoodLabel.Happy, r.Label);
        Assert.DoesNotContain(r.Evidence, e => e.Text == "(sarcasm)");
    }

    [Theory]
    [InlineData("好开心O(∩_∩)O", "O(∩_∩)O", MoodLabel.Happy)]
    [InlineData("(╯‵□′)╯︵┻━┻", "(╯‵□′)╯︵┻━┻", MoodLabel.Angry)]
    [InlineData("嘻嘻(*^__^*)", "(*^__^*)", MoodLabel.Happy)]
    public void Kaomoji_are_read_as_emoticons(string text, string face, MoodLabel expected)
    {
        var r = Read(text);
        Assert.Equal(expected, r.Label);
        Assert.Contains(r.Evidence, e => e.Text == face);
    }

    [Fact]
    public void Thanks_beside_something_unwelcome_is_sarcasm_alone_it_is_thanks()
    {
        var sour = Read("谢谢你让我白跑一趟");
        Assert.True(sour.Valence < -0.2, $"valence {sour.Valence}");
        Assert.Contains(sour.Evidence, e => e.Text == "(sarcasm)");
        var warm = Read("谢谢大家的祝福");
        Assert.Equal(MoodLabel.Happy, warm.Label);
        Assert.False(warm.IsLowConfidence);
        Assert.DoesNotContain(warm.Evidence, e => e.Text == "(sarcasm)");
        // Beside hardship rather than a grievance, thanks stay thanks.
        Assert.DoesNotContain(Read("谢谢你陪我度过难过的日子").Evidence, e => e.Text == "(sarcasm)");
    }

    [Fact]
    public void Common_characters_do_not_back_off_from_complaint_phrases()
    {
        // 用 (不好用, 没用), 蛋 (混蛋) and 话 (不像话) sit in many negative entries, but alone they mean nothing.
        Assert.DoesNotContain(Read("用了三天").Evidence, e => e.Note.Contains("back-off"));
        Assert.Equal(MoodLabel.Happy, Read("今天的蛋糕太好吃了").Label);
        Assert.DoesNotContain(Read("他说的那句话").Evidence, e => e.Note.Contains("back-off"));
        foreach (var plain in new[] { "我知道了", "当然可以", "再说吧", "十分钟以后", "宿舍里" })
            Assert.DoesNotContain(Read(plain).Evidence, e => e.Note.Contains("back-off"));
    }
}
