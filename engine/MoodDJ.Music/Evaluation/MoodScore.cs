using System.Globalization;
using System.Text;

namespace MoodDJ.Music.Evaluation;

/// <summary>The figures of one evaluation run, as defined by shared/eval/mood/score.py.</summary>
public sealed class MoodScore
{
    public required int GoldRows { get; init; }
    public required int MatchedRows { get; init; }
    public required int MoodRows { get; init; }
    public required double Accuracy { get; init; }
    /// <summary>Mean F1 over the moods present in the gold rows scored.</summary>
    public required double MacroF1 { get; init; }
    public required IReadOnlyList<MoodClassScore> PerMood { get; init; }
    /// <summary>Confusion counts keyed by (gold, predicted).</summary>
    public required IReadOnlyDictionary<(string Gold, string Predicted), int> Confusion { get; init; }
    public required double? ValencePearson { get; init; }
    public required int ValenceRows { get; init; }
    public required double? ArousalPearson { get; init; }
    public required int ArousalRows { get; init; }

    public MoodClassScore? For(string mood) => PerMood.FirstOrDefault(m => m.Mood == mood);

    /// <summary>A report laid out like score.py's, so the two can be compared line by line.</summary>
    public string Format()
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(ci, $"gold rows: {GoldRows}   with prediction: {MatchedRows}   missing: {GoldRows - MatchedRows}");
        sb.AppendLine();
        sb.AppendLine("== overall");
        sb.AppendLine(ci, $"mood rows scored: {MoodRows}");
        if (MoodRows > 0)
        {
            sb.AppendLine(ci, $"accuracy:  {Accuracy:0.000}");
            sb.AppendLine(ci, $"macro-F1:  {MacroF1:0.000}   (over {PerMood.Count} moods: {string.Join(", ", PerMood.Select(m => m.Mood))})");
            sb.AppendLine(ci, $"  {"mood",-11}{"prec",7}{"rec",7}{"F1",7}{"support",9}");
            foreach (var m in PerMood)
                sb.AppendLine(ci, $"  {m.Mood,-11}{m.Precision,7:0.000}{m.Recall,7:0.000}{m.F1,7:0.000}{m.Support,9}");
            var predicted = Confusion.Keys.Select(k => k.Predicted).Concat(PerMood.Select(m => m.Mood))
                .Distinct().Order(StringComparer.Ordinal).ToList();
            var w = Math.Max(9, predicted.Max(p => p.Length) + 1);
            sb.AppendLine("  confusion (rows = gold, cols = predicted):");
            sb.Append("  ").Append(' ', 11);
            foreach (var p in predicted)
                sb.Append(p[..Math.Min(p.Length, w - 1)].PadLeft(w));
            sb.AppendLine();
            foreach (var g in PerMood.Select(m => m.Mood))
            {
                sb.Append("  ").Append(g.PadRight(11));
                foreach (var p in predicted)
                    sb.Append(Confusion.GetValueOrDefault((g, p)).ToString(ci).PadLeft(w));
                sb.AppendLine();
            }
        }
        sb.AppendLine(ci, $"pearson r valence  {Describe(ValencePearson)}   (n={ValenceRows})");
        sb.AppendLine(ci, $"pearson r arousal  {Describe(ArousalPearson)}   (n={ArousalRows})");
        return sb.ToString();

        static string Describe(double? r) => r is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";
    }
}
