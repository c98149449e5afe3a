using System.Globalization;
using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Plugins.Lexicon.Model;

/// <summary>The trained model's say in one reading: its mood probabilities and how much they count.</summary>
internal sealed class ModelVote
{
    public required double[] Probabilities { get; init; }
    /// <summary>Added to the rules' mood scores, times each probability.</summary>
    public double LabelWeight { get; init; }
    /// <summary>How far the model's expected valence/arousal pulls the rules' point (0..1).</summary>
    public double ValenceWeight { get; init; }
    public double ArousalWeight { get; init; }
    public ModelVote Scaled(double factor) => new()
    {
        Probabilities = Probabilities, LabelWeight = LabelWeight * factor,
        ValenceWeight = ValenceWeight * factor, ArousalWeight = ArousalWeight * factor,
    };

    /// <summary>The likeliest mood other than neutral.</summary>
    public int TopMood()
    {
        var best = 1;
        for (var k = 2; k < Probabilities.Length; k++)
            if (Probabilities[k] > Probabilities[best]) best = k;
        return best;
    }

    public (double V, double A) ExpectedPoint()
    {
        double v = 0, a = 0;
        for (var k = 0; k < Probabilities.Length; k++)
        {
            v += Probabilities[k] * MoodDecider.ModelPoints[k].V;
            a += Probabilities[k] * MoodDecider.ModelPoints[k].A;
        }
        return (v, a);
    }

    /// <summary>The vote as a line of evidence: the model's two likeliest moods.</summary>
    public ScoredTerm AsEvidence()
    {
        var (v, a) = ExpectedPoint();
        var top = Enumerable.Range(0, Probabilities.Length).OrderByDescending(k => Probabilities[k]).Take(2)
            .Select(k => string.Create(CultureInfo.InvariantCulture, $"{((MoodLabel)k).ToString().ToLowerInvariant()} {Probabilities[k]:0.00}"));
        var term = new ScoredTerm { Text = "(model)", Valence = v, Arousal = a };
        term.Notes.Add("trained model: " + string.Join(", ", top));
        return term;
    }
}
