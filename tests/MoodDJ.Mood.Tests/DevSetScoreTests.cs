using MoodDJ.Music.Evaluation;
using Xunit.Abstractions;

namespace MoodDJ.Mood.Tests;

/// <summary>The lexicon analyzer's quality on the shared development set, against the project's targets.</summary>
public sealed class DevSetScoreTests(ITestOutputHelper output)
{
    public const double MacroF1Target = 0.55;
    public const double ValenceTarget = 0.6;

    [DevSetFact]
    public async Task The_lexicon_analyzer_meets_the_dev_set_targets()
    {
        var gold = MoodEvaluation.ReadGold(DevSet.GoldPath);
        var predictions = await MoodEvaluation.PredictAsync(Analyzers.Lexicon, gold);
        var score = MoodEvaluation.Score(gold, predictions);
        output.WriteLine(score.Format());
        Assert.Equal(gold.Count, score.MatchedRows);
        Assert.True(score.MacroF1 >= MacroF1Target, $"macro-F1 {score.MacroF1:0.000} < {MacroF1Target}\n{score.Format()}");
        Assert.True(score.ValencePearson >= ValenceTarget, $"valence r {score.ValencePearson:0.000} < {ValenceTarget}\n{score.Format()}");
    }
}
