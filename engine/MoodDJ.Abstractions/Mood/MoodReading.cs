namespace MoodDJ.Abstractions.Mood;

/// <summary>
/// What an analyzer read from a text: a label, the point on the valence/arousal plane
/// (both in −1..1: unpleasant..pleasant, calm..excited), how sure it is (0..1), and the
/// evidence that moved it, so a person can see why.
/// </summary>
public sealed record MoodReading
{
    public MoodReading(MoodLabel label, double valence, double arousal, double confidence, IReadOnlyList<MoodEvidence>? evidence = null)
    {
        if (!double.IsFinite(valence) || valence is < -1 or > 1)
            throw new ArgumentOutOfRangeException(nameof(valence), valence, "Valence must be in -1..1.");
        if (!double.IsFinite(arousal) || arousal is < -1 or > 1)
            throw new ArgumentOutOfRangeException(nameof(arousal), arousal, "Arousal must be in -1..1.");
        if (!double.IsFinite(confidence) || confidence is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "Confidence must be in 0..1.");
        Label = label;
        Valence = valence;
        Arousal = arousal;
        Confidence = confidence;
        Evidence = evidence ?? [];
    }

    public MoodLabel Label { get; }
    public double Valence { get; }
    public double Arousal { get; }
    public double Confidence { get; }
    public IReadOnlyList<MoodEvidence> Evidence { get; }

    /// <summary>
    /// Below this confidence a reading is unsure (a lone faint word, a sarcastic frame, mixed
    /// signals): the station then picks music by valence and arousal rather than by label.
    /// </summary>
    public const double LowConfidenceBelow = 0.3;

    /// <summary>True when <see cref="Confidence"/> is below <see cref="LowConfidenceBelow"/>.</summary>
    public bool IsLowConfidence => Confidence < LowConfidenceBelow;

    /// <summary>
    /// The same reading labelled by where its valence/arousal point falls (<see cref="RegionOf"/>)
    /// instead of by its cues: what music is picked for when the reading is unsure.
    /// </summary>
    public MoodReading ByValenceArousal()
    {
        var label = RegionOf(Valence, Arousal);
        return label == Label ? this : new MoodReading(label, Valence, Arousal, Confidence, Evidence);
    }

    /// <summary>
    /// The mood region of a valence/arousal point (Russell's circumplex, coarsely): neutral when
    /// |valence| &lt; 0.15; pleasant: energetic at arousal ≥ 0.35, calm at ≤ −0.1, else happy;
    /// unpleasant: angry at arousal ≥ 0.15, else sad. Romantic and focused are never regions.
    /// </summary>
    public static MoodLabel RegionOf(double valence, double arousal)
    {
        if (Math.Abs(valence) < 0.15)
            return MoodLabel.Neutral;
        if (valence >= 0)
            return arousal >= 0.35 ? MoodLabel.Energetic : arousal <= -0.1 ? MoodLabel.Calm : MoodLabel.Happy;
        return arousal >= 0.15 ? MoodLabel.Angry : MoodLabel.Sad;
    }

    /// <summary>A neutral reading with no evidence (empty input, nothing recognised).</summary>
    public static MoodReading Neutral { get; } = new(MoodLabel.Neutral, 0, 0, 0);
}

/// <summary>One thing in the text that moved the reading.</summary>
/// <param name="Text">The word, phrase or emoji as it appeared.</param>
/// <param name="Valence">Its contribution to valence after rules (negation, intensity) were applied.</param>
/// <param name="Arousal">Its contribution to arousal after rules were applied.</param>
/// <param name="Note">Which rules applied ("negated", "intensified ×1.5", …); empty when none.</param>
public sealed record MoodEvidence(string Text, double Valence, double Arousal, string Note = "");
