using MoodDJ.Abstractions.Mood;
using MoodDJ.Plugins.Lexicon.Model;

namespace MoodDJ.Plugins.Lexicon;

/// <summary>
/// Turns the scored terms into a reading. Valence is the weighted sum squashed into −1..1 (many mild
/// words add up, but never past the ends); arousal is the weighted mean of the terms' arousal, raised
/// by exclamation marks and shouting. The label comes from mood cues the terms carry (romantic,
/// focused, … words), with the valence/arousal region as a further vote; a wanted mood ("想放鬆",
/// "want to relax") decides the label when present.
/// </summary>
internal static class MoodDecider
{
    /// <summary>How quickly summed valence saturates: V = s / sqrt(s² + Alpha).</summary>
    private const double Alpha = 1.0;
    /// <summary>|valence| below this has no region vote: too faint to call a mood.</summary>
    private const double FaintValence = 0.15;
    /// <summary>The best mood must score at least this, else the reading is neutral.</summary>
    private const double MinimumScore = 0.25;
    /// <summary>Arousal each exclamation mark adds (up to four).</summary>
    private const double ExclamationArousal = 0.12;
    private const double CalmBelow = -0.1, EnergeticAbove = 0.35, AngryAbove = 0.15;
    /// <summary>Weight, at arousal 0, that keeps one word from pinning the text's arousal to an extreme.</summary>
    private const double ArousalPrior = 0.3;

    public static MoodReading Decide(List<ScoredTerm> terms, int exclamations, bool shouting, ModelVote? model = null)
    {
        var excitement = ExclamationArousal * Math.Min(exclamations, 4) + (shouting ? 0.25 : 0);
        if (terms.Count == 0 && model is null)
        {
            var a0 = Math.Clamp(excitement, -1, 1);
            return new MoodReading(MoodLabel.Neutral, 0, a0, exclamations > 0 || shouting ? 0.15 : 0.1);
        }

        double sumV = 0, sumA = 0, sumW = 0, strength = 0;
        foreach (var t in terms)
        {
            sumV += t.Weight * t.Valence;
            // Strongly felt words set the arousal more than mild ones.
            var w = t.Weight * (0.5 + Math.Abs(t.Valence));
            sumA += w * t.Arousal;
            sumW += w;
            strength += t.Weight * Math.Max(Math.Abs(t.Valence), Math.Abs(t.Arousal));
        }
        sumV *= 1 + 0.06 * Math.Min(exclamations, 4);
        var valence = sumV / Math.Sqrt(sumV * sumV + Alpha);
        // A prior weight at arousal 0 keeps one word from pinning the whole text to an extreme.
        var arousal = sumA / (sumW + ArousalPrior);
        // A negation the rules saw is invisible to the bag-of-words model ("without any stress"):
        // it then has only a small say.
        if (model is { } trusted && terms.Any(t => t.Negated))
            model = trusted.Scaled(0.25);
        if (model is { } mv)
        {
            // The model's expected point on the plane pulls the rules' point towards it, more so
            // when the rules found little.
            var (mV, mA) = mv.ExpectedPoint();
            var pull = terms.Count == 0 ? 1 : 1 / (1 + strength);
            valence += mv.ValenceWeight * (0.5 + 0.5 * pull) * (mV - valence);
            arousal += mv.ArousalWeight * (0.5 + 0.5 * pull) * (mA - arousal);
        }
        arousal = Math.Clamp(arousal + excitement, -1, 1);

        var scores = new double[Enum.GetValues<MoodLabel>().Length];
        var desired = terms.Any(t => t.Desired && t.Mood is not null);
        foreach (var t in terms)
        {
            if (t.Mood is not { } m || (desired && !t.Desired)) continue;
            var cue = t.Weight * (0.6 + 0.4 * Math.Min(1, Math.Max(Math.Abs(t.Valence), Math.Abs(t.Arousal))));
            // A context word (sleep, rain, homework: |valence| < 0.2) whose mood lies on the other side
            // of a clearly felt text ("一晚上死狗睡我隔壁磨牙") names the setting, not the feeling: half a vote.
            if (!t.Desired && Math.Abs(t.Valence) < 0.2 && Math.Abs(valence) >= 0.4 && Pleasant(m) is { } side && side != valence > 0)
                cue *= 0.5;
            scores[(int)m] += cue;
        }
        var region = Region(valence, arousal);
        if (!desired)
            scores[(int)region] += RegionVote(valence, arousal);
        if (model is { } vote && !desired)
        {
            // Neutral gets no votes from the model: it was trained where two thirds of the rows are
            // neutral, and the rules' own threshold already reads faint text as neutral.
            for (var k = 1; k < vote.Probabilities.Length; k++)
                scores[k] += vote.LabelWeight * vote.Probabilities[k];
            strength += vote.LabelWeight * (1 - vote.Probabilities[0]);
        }
        // A shouted message (mostly capitals) is yelling: in anger unless it is plainly positive.
        if (shouting && !desired)
            scores[(int)(valence > 0.1 ? MoodLabel.Energetic : MoodLabel.Angry)] += 0.45;

        var best = MoodLabel.Neutral;
        double top = 0, second = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            if (scores[i] > top)
            {
                second = top;
                top = scores[i];
                best = (MoodLabel)i;
            }
            else if (scores[i] > second)
            {
                second = scores[i];
            }
        }
        if (top < MinimumScore)
            best = MoodLabel.Neutral;
        var margin = top > 0 ? (top - second) / top : 0;
        var evidence = 1 - Math.Exp(-1.5 * strength);
        // The model is named in the evidence when it had an opinion beyond "neutral".
        if (model is { } m2 && m2.Probabilities[m2.TopMood()] >= 0.4)
            terms = [.. terms, m2.AsEvidence()];
        var confidence = Math.Clamp(evidence * (0.45 + 0.55 * margin), 0.05, 0.99);
        return new MoodReading(best, Math.Clamp(valence, -1, 1), arousal, confidence,
            terms.Select(t => new MoodEvidence(t.Text, Round(t.Weight * t.Valence), Round(t.Arousal),
                string.Join("; ", t.Mood is { } m ? t.Notes.Prepend($"cue: {m.ToString().ToLowerInvariant()}") : t.Notes))).ToList());
    }

    /// <summary>Where each of the model's moods sits on the plane (as <c>MoodMapper.PointOf</c>, a little closer to the middle).</summary>
    internal static readonly (double V, double A)[] ModelPoints =
        [(0, 0), (0.7, 0.35), (0.55, 0.75), (0.4, -0.55), (-0.7, -0.35), (-0.7, 0.65), (0.6, 0.1)];

    /// <summary>The mood the valence/arousal point falls in (Russell's circumplex, coarsely).</summary>
    internal static MoodLabel Region(double valence, double arousal)
    {
        if (Math.Abs(valence) < FaintValence && arousal < EnergeticAbove)
            return MoodLabel.Neutral;
        if (valence >= 0)
            return arousal >= EnergeticAbove ? MoodLabel.Energetic : arousal <= CalmBelow ? MoodLabel.Calm : MoodLabel.Happy;
        return arousal >= AngryAbove ? MoodLabel.Angry : MoodLabel.Sad;
    }

    /// <summary>Which side of the plane a mood lies on; null for neutral and focused (either side).</summary>
    private static bool? Pleasant(MoodLabel mood) => mood switch
    {
        MoodLabel.Happy or MoodLabel.Energetic or MoodLabel.Calm or MoodLabel.Romantic => true,
        MoodLabel.Sad or MoodLabel.Angry => false,
        _ => null,
    };

    private static double RegionVote(double valence, double arousal) =>
        Math.Abs(valence) < FaintValence ? 0 : 0.3 + 0.5 * Math.Abs(valence);

    private static double Round(double x) => Math.Round(x, 3);
}
