using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Plugins.Lexicon;

/// <summary>A sentiment term found in the text after the rules acted on it.</summary>
internal sealed class ScoredTerm
{
    public required string Text { get; init; }
    public double Valence { get; set; }
    public double Arousal { get; set; }
    /// <summary>Mood cue the term carries; null when none or when negation cancelled it.</summary>
    public MoodLabel? Mood { get; set; }
    /// <summary>Clause weight from contrast rules (1 normally; less before "but", more after).</summary>
    public double Weight { get; set; } = 1;
    /// <summary>Inside a desire ("want to …", "想…"): names the mood the person wants.</summary>
    public bool Desired { get; set; }
    /// <summary>How many "but"-like words came before this term (the later ones weaken it).</summary>
    public int ContrastsBefore { get; set; }
    /// <summary>Which clause (counted by clause punctuation) the term is in.</summary>
    public int Clause { get; set; }
    /// <summary>A negator reversed it: bag-of-words evidence (the trained model) cannot see that.</summary>
    public bool Negated { get; set; }
    /// <summary>A laughter entry (<see cref="TermInfo.IsLaughter"/>): mockery when anger is beside it.</summary>
    public bool Laughter { get; init; }
    public List<string> Notes { get; } = [];
}
