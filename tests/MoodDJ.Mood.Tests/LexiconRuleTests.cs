using MoodDJ.Abstractions.Mood;
using MoodDJ.Plugins.Lexicon;

namespace MoodDJ.Mood.Tests;

/// <summary>One or more tests per rule of the lexicon analyzer, on ordinary sentences.</summary>
public sealed class LexiconRuleTests
{
    private static MoodReading Read(string text) => Analyzers.Lexicon.Analyze(text);

    private static bool HasNote(MoodReading r, string word, string note) =>
        r.Evidence.Any(e => e.Text.Contains(word, StringComparison.OrdinalIgnoreCase) && e.Note.Contains(note, StringComparison.OrdinalIgnoreCase));

    [Fact]
    public void A_plain_happy_sentence_reads_happy()
    {
        var r = Read("I feel happy");
        Assert.Equal(MoodLabel.Happy, r.Label);
        Assert.True(r.Valence > 0.3, $"valence {r.Valence}");
        Assert.Contains(r.Evidence, e => e.Text == "happy");
    }

    [Fact]
    public void Negation_flips_a_positive_word()
    {
        var plain = Read("I am happy with the result");
        var negated = Read("I am not happy with the result");
        Assert.True(plain.Valence > 0);
        Assert.True(negated.Valence < 0, $"valence {negated.Valence}");
        Assert.NotEqual(MoodLabel.Happy, negated.Label);
        Assert.True(HasNote(negated, "happy", "negated by 'not'"));
    }

    [Fact]
    public void Never_and_without_negate_too()
    {
        Assert.True(Read("I never feel calm at work").Valence < 0);
        Assert.True(Read("We finished without any stress").Valence > 0);
    }

    [Fact]
    public void Concurrent_analyses_agree_with_sequential_ones()
    {
        string[] texts = ["I feel happy", "煩死了，想放鬆一下", "ugh, the bus is late again", "I'm not very happy", "so hyped!!!", "我不喜欢这首歌"];
        var expected = texts.Select(t => Read(t)).ToArray();
        Parallel.For(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var r = Read(texts[i % texts.Length]);
            var e = expected[i % texts.Length];
            Assert.Equal(e.Label, r.Label);
            Assert.Equal(e.Valence, r.Valence);
        });
    }

    [Fact]
    public void Negation_reaches_past_an_intensifier()
    {
        Assert.True(Read("I'm not very happy about the new schedule").Valence < 0);
    }

    [Fact]
    public void Contracted_negations_work_with_straight_and_curly_apostrophes()
    {
        Assert.True(Read("This movie isn't good").Valence < 0);
        Assert.True(Read("Honestly it wasn’t bad at all").Valence > 0);
        Assert.True(Read("I don't hate my job").Valence > 0);
    }

    [Fact]
    public void Negation_ends_at_the_clause_boundary()
    {
        var r = Read("Not today, I'm happy to stay home");
        Assert.True(r.Valence > 0, $"valence {r.Valence}");
        Assert.False(HasNote(r, "happy", "negated"));
    }

    [Fact]
    public void Intensifiers_raise_the_strength_of_the_next_word()
    {
        var plain = Read("The food was good");
        var very = Read("The food was very good");
        var extremely = Read("The food was extremely good");
        Assert.True(very.Valence > plain.Valence);
        Assert.True(extremely.Valence > very.Valence);
        Assert.True(HasNote(very, "good", "'very' ×1.5"));
    }

    [Fact]
    public void Diminishers_lower_the_strength_of_the_next_word()
    {
        var plain = Read("I am sad about it");
        var bit = Read("I am a bit sad about it");
        Assert.True(bit.Valence < 0);
        Assert.True(bit.Valence > plain.Valence, $"{bit.Valence} vs {plain.Valence}");
        Assert.True(Read("I'm kinda tired").Valence > Read("I'm tired").Valence);
    }

    [Fact]
    public void The_clause_after_but_weighs_more()
    {
        Assert.True(Read("The hotel was nice but the service was terrible").Valence < 0);
        Assert.True(Read("The service was terrible but the view was wonderful").Valence > 0);
        var r = Read("The exam was hard but I passed and I'm so happy");
        Assert.Equal(MoodLabel.Happy, r.Label);
        Assert.True(HasNote(r, "hard", "before 'but'"));
    }

    [Fact]
    public void A_conceded_although_clause_weighs_less()
    {
        Assert.True(Read("Although the weather was awful, we had a wonderful time").Valence > 0);
    }

    [Fact]
    public void Chinese_contrast_words_shift_weight_to_what_follows()
    {
        Assert.True(Read("东西很贵，但是真的很好吃").Valence > 0);
        Assert.True(Read("天氣很好，可是我很難過").Valence < 0);
    }

    [Fact]
    public void Emoji_carry_mood()
    {
        Assert.Equal(MoodLabel.Romantic, Read("Heading home now ❤️").Label);
        Assert.Equal(MoodLabel.Angry, Read("Heading home now 😡").Label);
        Assert.Equal(MoodLabel.Happy, Read("😂😂😂").Label);
        Assert.Equal(MoodLabel.Sad, Read("My flight got cancelled 😭").Label);
    }

    [Fact]
    public void Emoji_match_without_variation_selector_or_skin_tone()
    {
        Assert.Equal(Read("see you ❤").Valence, Read("see you ❤️").Valence, 6);
        Assert.True(Read("sounds like a plan 👍🏽").Valence > 0);
    }

    [Fact]
    public void Emoticons_carry_mood_but_times_and_urls_are_not_emoticons()
    {
        Assert.True(Read("See you tomorrow :)").Valence > 0);
        Assert.True(Read("See you tomorrow :(").Valence < 0);
        Assert.True(Read("That was hilarious xD").Valence > 0);
        var time = Read("The meeting moved to 10:30 in room 3");
        Assert.Equal(MoodLabel.Neutral, time.Label);
        Assert.Empty(time.Evidence);
        Assert.Empty(Read("the docs are at https://example.org/page").Evidence);
    }

    [Fact]
    public void Common_slang_is_understood()
    {
        Assert.Equal(MoodLabel.Happy, Read("lol that meeting was something").Label);
        Assert.Equal(MoodLabel.Angry, Read("ugh, the bus is late again").Label);
        Assert.Equal(MoodLabel.Energetic, Read("so hyped for the weekend").Label);
        Assert.Equal(MoodLabel.Calm, Read("just chilling at home tonight").Label);
        Assert.True(Read("meh").Valence < 0);
        Assert.Equal(MoodLabel.Happy, Read("hahahaha you got me").Label);
    }

    [Fact]
    public void Repeated_letters_are_undone_and_intensify()
    {
        var plain = Read("I am so happy");
        var stretched = Read("I am soooo happyyyy");
        Assert.Equal(MoodLabel.Happy, stretched.Label);
        Assert.True(stretched.Valence > plain.Valence);
        Assert.True(HasNote(stretched, "happyyyy", "repeated letters"));
    }

    [Fact]
    public void Exclamation_marks_raise_arousal()
    {
        var calm = Read("We won the game");
        var loud = Read("We won the game!!!");
        Assert.True(loud.Arousal > calm.Arousal + 0.1, $"{loud.Arousal} vs {calm.Arousal}");
    }

    [Fact]
    public void All_caps_words_are_stronger_and_hotter()
    {
        var plain = Read("this is amazing");
        var caps = Read("this is AMAZING");
        Assert.True(caps.Valence > plain.Valence);
        Assert.True(caps.Arousal > plain.Arousal);
        Assert.True(HasNote(caps, "AMAZING", "ALL CAPS"));
    }

    [Fact]
    public void Inflected_forms_find_their_base_word()
    {
        Assert.True(Read("It annoys everyone").Valence < 0);
        Assert.True(Read("She smiled warmly").Valence > 0);
    }

    [Fact]
    public void Chinese_is_segmented_by_forward_maximum_matching()
    {
        var segmenter = new ChineseSegmenter(LexiconLoader.Load(Analyzers.LexiconFolder));
        var segments = segmenter.Segment("我今天非常开心").Select(s => s.Segment).ToList();
        Assert.Contains("非常", segments);
        Assert.Contains("开心", segments);
        Assert.Equal("我今天非常开心", string.Concat(segments));
        // The longest entry wins over its parts.
        Assert.Contains("烦死了", segmenter.Segment("烦死了").Select(s => s.Segment));
    }

    [Fact]
    public void Chinese_sentences_get_their_mood_in_either_script()
    {
        Assert.Equal(MoodLabel.Happy, Read("我今天很开心").Label);
        var simplified = Read("我很难过");
        var traditional = Read("我很難過");
        Assert.Equal(MoodLabel.Sad, traditional.Label);
        Assert.Equal(simplified.Valence, traditional.Valence, 6);
        Assert.Equal(MoodLabel.Angry, Read("气死我了").Label);
    }

    [Fact]
    public void Chinese_negation_flips_the_following_word()
    {
        Assert.True(Read("我喜欢这首歌").Valence > 0);
        var r = Read("我不喜欢这首歌");
        Assert.True(r.Valence < 0, $"valence {r.Valence}");
        Assert.True(HasNote(r, "喜欢", "negated by '不'"));
        Assert.True(Read("他沒有生氣").Valence > 0);
        Assert.True(Read("别难过").Valence > 0);
    }

    [Fact]
    public void Chinese_degree_words_intensify_and_diminish()
    {
        var little = Read("今天有点累");
        var very = Read("今天非常累");
        Assert.True(little.Valence < 0 && very.Valence < little.Valence, $"{very.Valence} vs {little.Valence}");
    }

    [Fact]
    public void A_desire_names_the_wanted_mood()
    {
        var r = Read("煩死了，想放鬆一下");
        Assert.Equal(MoodLabel.Calm, r.Label);
        Assert.True(HasNote(r, "放鬆", "wanted mood")); // the evidence shows the characters as typed
        Assert.Equal(MoodLabel.Calm, Read("What an awful week, I want to relax").Label);
        Assert.Equal(MoodLabel.Focused, Read("I need to focus on my essay tonight").Label);
        Assert.Equal(MoodLabel.Focused, Read("我想專心讀書").Label);
    }

    [Fact]
    public void Focus_and_romance_cues_pick_their_moods()
    {
        Assert.Equal(MoodLabel.Focused, Read("Time to study for tomorrow's exam").Label);
        Assert.Equal(MoodLabel.Romantic, Read("Dinner with my wife tonight, I love her so much").Label);
        Assert.Equal(MoodLabel.Energetic, Read("I'm so excited for the concert tonight!").Label);
        Assert.Equal(MoodLabel.Calm, Read("So relieved that the surgery went fine").Label);
    }

    [Fact]
    public void Text_without_mood_words_is_neutral()
    {
        var r = Read("The train leaves from platform four on Tuesday");
        Assert.Equal(MoodLabel.Neutral, r.Label);
        Assert.True(r.Confidence < 0.3);
    }

    [Fact]
    public void More_evidence_means_more_confidence()
    {
        Assert.True(Read("I am so happy, this is wonderful, best day ever 😄").Confidence > Read("fine").Confidence);
    }
}
