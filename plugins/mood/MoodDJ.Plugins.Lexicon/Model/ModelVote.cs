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
    /// <summary>
    /// The model's vote on <paramref name="text"/>, or null without a model or for text that is not
    /// mostly Latin letters: it was trained on English Reddit comments only, so on Chinese it would
    /// just repeat its class priors.
    /// </summary>
    public static ModelVote? For(MoodModel? model, string text, LexiconAnalyzerOptions options)
    {
        if (model is null) return null;
        int han = 0, latin = 0;
        foreach (var c in text)
        {
            if (TermKey.IsHan(c)) han++;
            else if (char.IsLetter(c)) latin++;
        }
        if (han * 2 > latin || latin < 2) return null;
        var p = new double[MoodModel.Classes];
        model.Predict(text, p);
        return new ModelVote
        {
            Probabilities = p, LabelWeight = options.ModelWeight,
            ValenceWeight = options.ModelValenceWeight, ArousalWeight = options.ModelArousalWeight,
        };
    }

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
