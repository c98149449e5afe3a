namespace MoodDJ.Host.Web.Live;

/// <summary>
/// Clicking the valence/arousal plane sets a mood: the station takes moods as sentences, so the
/// point becomes "I feel WORD" with the lexicon word nearest to it (values from the lexicon's en.tsv).
/// </summary>
public static class MoodPoints
{
    private static readonly (string Word, double Valence, double Arousal)[] Words =
    [
        ("ecstatic", 0.9, 0.9), ("excited", 0.7, 0.8), ("energetic", 0.6, 0.8), ("happy", 0.75, 0.35),
        ("relieved", 0.65, -0.3), ("content", 0.45, -0.35), ("calm", 0.5, -0.5), ("serene", 0.65, -0.6),
        ("sleepy", 0.05, -0.75), ("fine", 0.2, -0.2), ("okay", 0.1, -0.2),
        ("tired", -0.3, -0.6), ("bored", -0.4, -0.6), ("gloomy", -0.55, -0.45), ("sad", -0.7, -0.4),
        ("depressed", -0.8, -0.5), ("miserable", -0.8, -0.3),
        ("tense", -0.4, 0.55), ("nervous", -0.4, 0.6), ("anxious", -0.5, 0.6), ("angry", -0.7, 0.7), ("furious", -0.85, 0.9),
    ];

    /// <summary>The sentence for a point; both coordinates are clamped to -1..1.</summary>
    public static string Sentence(double valence, double arousal)
    {
        if (!double.IsFinite(valence) || !double.IsFinite(arousal))
            throw new ArgumentException("valence and arousal must be numbers from -1 to 1.");
        valence = Math.Clamp(valence, -1, 1);
        arousal = Math.Clamp(arousal, -1, 1);
        var nearest = Words.MinBy(w => (w.Valence - valence) * (w.Valence - valence) + (w.Arousal - arousal) * (w.Arousal - arousal));
        return $"I feel {nearest.Word}";
    }
}
