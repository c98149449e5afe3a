using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Music.Evaluation;

namespace MoodDJ.Host.Console.Commands;

/// <summary>
/// `mooddj eval-mood FILE`: runs a mood analyzer over a labelled TSV (the shared dev set's format)
/// and prints accuracy, macro-F1, per-mood figures, the confusion table and valence/arousal Pearson r,
/// with the same definitions as shared/eval/mood/score.py.
/// </summary>
internal sealed class EvalMoodCommand : ICliCommand
{
    public Command Create(GlobalOptions globals)
    {
        var file = new Argument<FileInfo>("file") { Description = "Gold TSV: text, mood, valence, arousal, source (header optional)." };
        var analyzer = new Option<string?>("--analyzer", "-a") { Description = "Mood analyzer to evaluate by name (default: use:moodAnalyzer)." };
        var predictionsOut = new Option<FileInfo?>("--predictions", "-p") { Description = "Also write the predictions as a TSV that score.py reads." };
        var excludeNeutral = new Option<bool>("--exclude-neutral") { Description = "Leave gold rows labelled neutral out of the mood metrics." };
        var command = new Command("eval-mood", "Score a mood analyzer on a labelled TSV (accuracy, macro-F1, per-mood, confusion, V/A Pearson r).")
        {
            file, analyzer, predictionsOut, excludeNeutral,
        };
        command.SetAction((parseResult, ct) => CommandRunner.RunAsync(parseResult, globals, async (context, token) =>
        {
            var gold = parseResult.GetValue(file)!;
            if (!gold.Exists)
                throw new UserFacingException($"Evaluation file '{gold.FullName}' does not exist.");
            var rows = MoodEvaluation.ReadGold(gold.FullName);
            RequireDevSetFormat(gold.FullName, rows);
            var name = parseResult.GetValue(analyzer);
            var moodAnalyzer = name is null ? context.Engine.MoodAnalyzer : context.Engine.Get<IMoodAnalyzer>(name);

            var watch = Stopwatch.StartNew();
            var predictions = await MoodEvaluation.PredictAsync(moodAnalyzer, rows, token);
            watch.Stop();
            if (parseResult.GetValue(predictionsOut) is { } output)
                MoodEvaluation.WritePredictions(output.FullName, predictions);

            var score = MoodEvaluation.Score(rows, predictions, parseResult.GetValue(excludeNeutral));
            System.Console.WriteLine($"analyzer: {name ?? context.Engine.Use.MoodAnalyzer}   file: {gold.FullName}");
            System.Console.Write(score.Format());
            System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{rows.Count} sentences in {watch.Elapsed.TotalMilliseconds:0} ms ({rows.Count / Math.Max(watch.Elapsed.TotalSeconds, 1e-9):0} sentences/s)"));
            return 0;
        }, ct));
        return command;
    }

    private const string Expected = "expected tab-separated lines of text, mood, valence, arousal, source (the format of shared/eval/mood/mood_dev.tsv)";

    /// <summary>
    /// A file in another format (CSV, JSON, a text file) reads as rows with no mood and would score
    /// nothing without a word; refuse it, naming the file and what was missing.
    /// </summary>
    private static void RequireDevSetFormat(string path, IReadOnlyList<MoodDevRow> rows)
    {
        if (rows.Count == 0)
            throw new UserFacingException($"Evaluation file '{path}' has no rows: {Expected}.");
        var known = Enum.GetNames<MoodLabel>().Select(n => n.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        if (!rows.Any(r => known.Contains(r.Mood)))
            throw new UserFacingException($"Evaluation file '{path}' is not a mood dev-set TSV: none of its {rows.Count} row(s) has a mood " +
                                          $"({string.Join(", ", known)}) in the second column; {Expected}.");
    }
}
