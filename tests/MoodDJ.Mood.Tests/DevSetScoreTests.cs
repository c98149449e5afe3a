using MoodDJ.Music.Evaluation;
using Xunit.Abstractions;

namespace MoodDJ.Mood.Tests;

/// <summary>
/// The lexicon analyzer's quality on the shared development set, against the project's targets: the
/// whole set, and the kept-aside half (MoodDevSplit) by source, which nothing was tuned on.
/// </summary>
public sealed class DevSetScoreTests(ITestOutputHelper output)
{
    public const double MacroF1Target = 0.55;
    public const double ValenceTarget = 0.6;

    /// <summary>Floors on the kept-aside half, a little under what it scores (docs/mood.md has the figures).</summary>
    public const double AsideMacroF1 = 0.56, AsideValence = 0.74, AsideArousal = 0.5;
    public const double AsideGoEmotions = 0.62, AsideEmoBank = 0.5;

    /// <summary>
    /// Issue 13 asks for 0.45 on the kept-aside Chinese rows; the analyzer reaches 0.447 (with the CC-CEDICT-derived
    /// entries; 0.442 before them, 0.415 before the zh-more pass, 0.402 before the zh generalisation pass, 0.313 before
    /// issue 13), so this floor guards what exists with a margin of about one row and the gap is stated in docs/mood.md.
    /// Raise it to 0.45 when met.
    /// </summary>
    public const double AsideChinese = 0.43;

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

    [DevSetFact]
    public async Task The_kept_aside_half_meets_its_floors_by_source()
    {
        var (_, aside) = MoodDevSplit.Split(MoodEvaluation.ReadGold(DevSet.GoldPath));
        var predictions = await MoodEvaluation.PredictAsync(Analyzers.Lexicon, aside);
        var score = MoodEvaluation.Score(aside, predictions);
        output.WriteLine("kept-aside half, all sources\n" + score.Format());
        Assert.True(score.MacroF1 >= AsideMacroF1, $"kept-aside macro-F1 {score.MacroF1:0.000} < {AsideMacroF1}");
        Assert.True(score.ValencePearson >= AsideValence, $"kept-aside valence r {score.ValencePearson:0.000} < {AsideValence}");
        Assert.True(score.ArousalPearson >= AsideArousal, $"kept-aside arousal r {score.ArousalPearson:0.000} < {AsideArousal}");
        foreach (var (source, floor) in new[] { ("clue_emotion2020", AsideChinese), ("goemotions", AsideGoEmotions), ("emobank", AsideEmoBank) })
        {
            var rows = aside.Where(r => r.Source == source).ToList();
            Assert.NotEmpty(rows);
            var bySource = MoodEvaluation.Score(rows, predictions);
            output.WriteLine($"kept-aside half, {source}\n{bySource.Format()}");
            Assert.True(bySource.MacroF1 >= floor, $"kept-aside {source} macro-F1 {bySource.MacroF1:0.000} < {floor}\n{bySource.Format()}");
        }
    }

    [DevSetFact]
    public void The_halves_are_stratified_and_stable()
    {
        var gold = MoodEvaluation.ReadGold(DevSet.GoldPath);
        var (working, aside) = MoodDevSplit.Split(gold);
        Assert.Equal(gold.Count, working.Count + aside.Count);
        Assert.Empty(working.Select(r => r.Text).Intersect(aside.Select(r => r.Text)));
        foreach (var group in gold.GroupBy(r => (r.Source, r.Mood)))
            Assert.InRange(working.Count(r => r.Source == group.Key.Source && r.Mood == group.Key.Mood) - group.Count() / 2.0, 0, 0.5);
        // The order of the file does not matter: the halves depend only on the rows.
        Assert.Equal(working.Select(r => r.Text), MoodDevSplit.Split(gold.Reverse()).Working.Select(r => r.Text));
    }
}
