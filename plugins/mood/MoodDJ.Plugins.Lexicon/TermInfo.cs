using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Plugins.Lexicon;

/// <summary>How a clause-linking word shifts weight between the clauses around it.</summary>
internal enum ContrastKind
{
    /// <summary>"but", "但是": what came before weighs less, what follows weighs more.</summary>
    But,
    /// <summary>"although", "雖然": the clause it opens weighs less.</summary>
    Although,
}

/// <summary>A sentiment-bearing entry: its point on the valence/arousal plane and an optional mood cue.</summary>
internal readonly record struct Sentiment(double Valence, double Arousal, MoodLabel? Mood);

/// <summary>Everything the lexicon knows about one term (word, phrase, Chinese word, emoji or emoticon).</summary>
internal sealed class TermInfo
{
    public Sentiment? Sentiment { get; set; }

    /// <summary>Multiplier for the next sentiment term: &gt; 1 intensifies ("very"), &lt; 1 diminishes ("a bit").</summary>
    public double? Modifier { get; set; }

    /// <summary>A degree word that follows what it strengthens: 累得要命, 烦到爆, 无聊极了.</summary>
    public double? AfterModifier { get; set; }

    public bool IsNegator { get; set; }

    public ContrastKind? Contrast { get; set; }

    /// <summary>"want to", "想": what follows names the mood the person wants.</summary>
    public bool IsDesire { get; set; }

    /// <summary>A plain Chinese word (rules/zh-words.txt) that only stops the segmenter from reading a mood word inside it: 妈妈 is not 妈的.</summary>
    public bool IsPlainWord { get; set; }

    /// <summary>
    /// Laughter (哈哈, 笑死, 233, "lol"…: entries holding a <c>mock</c> root of rules/sarcasm.tsv). Beside
    /// an angry cue it is scorn, not joy: "笑死，什么垃圾" is angry.
    /// </summary>
    public bool IsLaughter { get; set; }

    /// <summary>
    /// From a derived term file (first line "# derived…", e.g. terms/zh-cedict.tsv from a dictionary's
    /// glosses): weaker evidence than a hand-written entry, so it never replaces one and never teaches
    /// the character back-off.
    /// </summary>
    public bool IsDerived { get; set; }

    /// <summary>Made up for a lone Chinese character from the entries that contain it (<see cref="CharacterBackoff"/>).</summary>
    public bool IsBackoff { get; init; }

    public bool IsEmpty => Sentiment is null && Modifier is null && AfterModifier is null && !IsNegator && Contrast is null && !IsDesire && !IsPlainWord;
}
