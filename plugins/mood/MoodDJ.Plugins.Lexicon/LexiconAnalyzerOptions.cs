namespace MoodDJ.Plugins.Lexicon;

/// <summary>Settings of the lexicon analyzer (plugins:settings:lexicon in mooddj.json).</summary>
public sealed class LexiconAnalyzerOptions
{
    /// <summary>Characters analysed at most; longer text is cut here so huge input stays fast (default 4,000).</summary>
    public int MaxChars { get; init; } = 4000;

    /// <summary>Tokens a negator reaches ("not very happy": 3 covers the modifier and the word).</summary>
    public int NegationScope { get; init; } = 3;

    /// <summary>Factor applied to a negated term's valence: "not happy" is less negative than "sad".</summary>
    public double NegationFactor { get; init; } = -0.6;

    /// <summary>Weight of what precedes "but"/"但是" (the rest gets <see cref="AfterContrastWeight"/>).</summary>
    public double BeforeContrastWeight { get; init; } = 0.5;

    public double AfterContrastWeight { get; init; } = 1.5;

    /// <summary>How much the trained model's mood probabilities add to the rules' mood scores; 0 turns the model off.</summary>
    public double ModelWeight { get; init; } = 0.3;

    /// <summary>How far (0..1) the model's expected valence pulls the rules' valence.</summary>
    public double ModelValenceWeight { get; init; } = 0.4;

    /// <summary>How far (0..1) the model's expected arousal pulls the rules' arousal.</summary>
    public double ModelArousalWeight { get; init; } = 0.45;
}
