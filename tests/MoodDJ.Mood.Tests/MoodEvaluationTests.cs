using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using MoodDJ.Music.Evaluation;

namespace MoodDJ.Mood.Tests;

public sealed class MoodEvaluationTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("mooddj-eval-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void Scores_a_small_set_by_hand()
    {
        var gold = Gold(
            ("a", "happy", null, null), ("b", "happy", null, null), ("c", "sad", null, null),
            ("d", "sad", null, null), ("e", "", 0.5, 0.1), ("f", "", -0.5, 0.2), ("g", "", 0.0, 0.3));
        var predictions = new[]
        {
            new MoodPrediction("a", "happy", 0.9, 0.2), new MoodPrediction("b", "sad", 0.1, 0.1),
            new MoodPrediction("c", "sad", -0.4, 0.0), new MoodPrediction("d", "calm", 0.1, -0.3),
            new MoodPrediction("  e ", "neutral", 0.4, 0.0), new MoodPrediction("f", "neutral", -0.6, 0.0),
            new MoodPrediction("g", "neutral", 0.1, 0.0),
        };
        var score = MoodEvaluation.Score(gold, predictions);
        Assert.Equal(7, score.MatchedRows);
        Assert.Equal(4, score.MoodRows);
        Assert.Equal(0.5, score.Accuracy, 9);
        // happy: P 1/1, R 1/2 → F1 2/3; sad: P 1/2, R 1/2 → F1 1/2; macro over gold moods only.
        Assert.Equal(2.0 / 3, score.For("happy")!.F1, 9);
        Assert.Equal(0.5, score.For("sad")!.F1, 9);
        Assert.Equal((2.0 / 3 + 0.5) / 2, score.MacroF1, 9);
        Assert.Null(score.For("calm"));
        Assert.Equal(1, score.Confusion[("sad", "calm")]);
        Assert.Equal(3, score.ValenceRows);
        Assert.NotNull(score.ValencePearson);
        Assert.Null(score.ArousalPearson); // constant predictions have no correlation
    }

    [Fact]
    public void Pearson_matches_the_textbook_value()
    {
        double[] x = [1, 2, 3, 4, 5], y = [2, 4, 5, 4, 5];
        Assert.Equal(0.7745966692, MoodEvaluation.Pearson(x, y)!.Value, 9);
        Assert.Null(MoodEvaluation.Pearson([1, 2], [1, 2]));
    }

    [Fact]
    public void Predictions_round_trip_through_the_tsv_file()
    {
        var path = Path.Combine(_temp, "p.tsv");
        MoodEvaluation.WritePredictions(path, [new MoodPrediction("I\tfeel\nfine", "calm", 0.25, -0.5), new MoodPrediction("x", "sad", null, null)]);
        var back = MoodEvaluation.ReadPredictions(path);
        Assert.Equal(2, back.Count);
        Assert.Equal("I feel fine", back[0].Text);
        Assert.Equal(-0.5, back[0].Arousal);
        Assert.Null(back[1].Valence);
    }

    [DevSetFact]
    public async Task Our_figures_match_score_py_on_the_same_predictions()
    {
        var gold = MoodEvaluation.ReadGold(DevSet.GoldPath);
        var predictions = await MoodEvaluation.PredictAsync(Analyzers.Lexicon, gold);
        var path = Path.Combine(_temp, "predictions.tsv");
        MoodEvaluation.WritePredictions(path, predictions);
        var ours = MoodEvaluation.Score(gold, MoodEvaluation.ReadPredictions(path));

        var output = RunScorer(path);
        Assert.Contains("missing: 0", output);
        Assert.Equal(Figure(output, @"accuracy:\s+([\d.]+)"), ours.Accuracy.ToString("0.000", CultureInfo.InvariantCulture));
        Assert.Equal(Figure(output, @"macro-F1:\s+([\d.]+)"), ours.MacroF1.ToString("0.000", CultureInfo.InvariantCulture));
        Assert.Equal(Figure(output, @"pearson r valence\s+(-?[\d.]+)"), ours.ValencePearson!.Value.ToString("0.000", CultureInfo.InvariantCulture));
        Assert.Equal(Figure(output, @"pearson r arousal\s+(-?[\d.]+)"), ours.ArousalPearson!.Value.ToString("0.000", CultureInfo.InvariantCulture));
        foreach (var mood in ours.PerMood)
            Assert.Equal(Figure(output, $@"\n  {mood.Mood}\s+[\d.]+\s+[\d.]+\s+([\d.]+)\s+{mood.Support}"), mood.F1.ToString("0.000", CultureInfo.InvariantCulture));
        // Our report is laid out like the scorer's overall block.
        Assert.Contains(ours.Format().Trim(), output.Replace("\r", ""));
    }

    private static string Figure(string output, string pattern)
    {
        var m = Regex.Match(output, pattern);
        Assert.True(m.Success, $"'{pattern}' not in score.py output:\n{output}");
        return m.Groups[1].Value;
    }

    private static string RunScorer(string predictions)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(DevSet.ScorerPath);
        start.ArgumentList.Add(predictions);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "score.py did not finish in 60 s");
        Assert.True(process.ExitCode == 0, $"score.py exited {process.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    private static IReadOnlyList<MoodDevRow> Gold(params (string Text, string Mood, double? V, double? A)[] rows) =>
        rows.Select(r => new MoodDevRow(r.Text, r.Mood, r.V, r.A, "test")).ToList();
}
