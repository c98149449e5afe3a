using System.Globalization;
using System.Text;
using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Music.Evaluation;

/// <summary>
/// Runs a mood analyzer over a development set and scores it with exactly the definitions of
/// shared/eval/mood/score.py: rows join on whitespace-normalised text; accuracy and macro-F1 over gold
/// rows that have a mood (macro over the gold moods present); per-mood precision/recall/F1; a
/// confusion table; Pearson r of valence and arousal over rows with gold V/A.
/// </summary>
public static class MoodEvaluation
{
    /// <summary>Reads a gold file (text, mood, valence, arousal, source; header optional).</summary>
    public static IReadOnlyList<MoodDevRow> ReadGold(string path)
    {
        var rows = new List<MoodDevRow>();
        foreach (var cols in ReadTsv(path, 5))
            rows.Add(new MoodDevRow(cols[0], cols[1].Trim().ToLowerInvariant(), ToDouble(cols[2]), ToDouble(cols[3]),
                cols[4].Split(':')[0]));
        return rows;
    }

    /// <summary>Reads a predictions file (text, predicted_mood, valence, arousal; header optional).</summary>
    public static IReadOnlyList<MoodPrediction> ReadPredictions(string path) =>
        ReadTsv(path, 4).Select(c => new MoodPrediction(c[0], c[1].Trim().ToLowerInvariant(), ToDouble(c[2]), ToDouble(c[3]))).ToList();

    /// <summary>Analyzes every row's text. Label names are the lower-case <see cref="MoodLabel"/> names.</summary>
    public static async Task<IReadOnlyList<MoodPrediction>> PredictAsync(IMoodAnalyzer analyzer, IEnumerable<MoodDevRow> rows, CancellationToken cancellationToken = default)
    {
        var predictions = new List<MoodPrediction>();
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var reading = await analyzer.AnalyzeAsync(row.Text, cancellationToken).ConfigureAwait(false);
            predictions.Add(new MoodPrediction(row.Text, LabelName(reading.Label), reading.Valence, reading.Arousal));
        }
        return predictions;
    }

    public static string LabelName(MoodLabel label) => label.ToString().ToLowerInvariant();

    /// <summary>Writes predictions as a TSV that score.py accepts (tabs and newlines in text become spaces).</summary>
    public static void WritePredictions(string path, IEnumerable<MoodPrediction> predictions)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        writer.Write("text\tpredicted_mood\tvalence\tarousal\n");
        foreach (var p in predictions)
            writer.Write($"{Normalize(p.Text)}\t{p.Mood}\t{Format(p.Valence)}\t{Format(p.Arousal)}\n");

        static string Format(double? x) => x is { } v ? v.ToString("0.######", CultureInfo.InvariantCulture) : "";
    }

    public static MoodScore Score(IReadOnlyList<MoodDevRow> gold, IEnumerable<MoodPrediction> predictions, bool excludeNeutral = false)
    {
        var byText = new Dictionary<string, MoodPrediction>(StringComparer.Ordinal);
        foreach (var p in predictions)
            byText[Normalize(p.Text)] = p; // later rows win, as in score.py
        var matched = new List<(MoodDevRow Gold, MoodPrediction Prediction)>();
        foreach (var g in gold)
            if (byText.TryGetValue(Normalize(g.Text), out var p))
                matched.Add((g, p));

        var pairs = matched
            .Where(m => m.Gold.Mood.Length > 0 && !(excludeNeutral && m.Gold.Mood == "neutral"))
            .Select(m => (Gold: m.Gold.Mood, Predicted: m.Prediction.Mood))
            .ToList();
        var labels = pairs.Select(p => p.Gold).Distinct().Order(StringComparer.Ordinal).ToList();
        var tp = new Dictionary<string, int>();
        var fp = new Dictionary<string, int>();
        var fn = new Dictionary<string, int>();
        var confusion = new Dictionary<(string, string), int>();
        foreach (var (g, p) in pairs)
        {
            if (g == p) Add(tp, g);
            else
            {
                Add(fn, g);
                Add(fp, p);
            }
            confusion[(g, p)] = confusion.GetValueOrDefault((g, p)) + 1;
        }
        var perMood = labels.Select(label =>
        {
            int t = tp.GetValueOrDefault(label), f = fp.GetValueOrDefault(label), n = fn.GetValueOrDefault(label);
            var precision = t + f > 0 ? (double)t / (t + f) : 0;
            var recall = t + n > 0 ? (double)t / (t + n) : 0;
            var f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
            return new MoodClassScore(label, precision, recall, f1, t + n);
        }).ToList();

        var (rv, nv) = Correlate(matched, m => (m.Gold.Valence, m.Prediction.Valence));
        var (ra, na) = Correlate(matched, m => (m.Gold.Arousal, m.Prediction.Arousal));
        return new MoodScore
        {
            GoldRows = gold.Count,
            MatchedRows = matched.Count,
            MoodRows = pairs.Count,
            Accuracy = pairs.Count > 0 ? (double)tp.Values.Sum() / pairs.Count : 0,
            MacroF1 = perMood.Count > 0 ? perMood.Average(m => m.F1) : 0,
            PerMood = perMood,
            Confusion = confusion,
            ValencePearson = rv,
            ValenceRows = nv,
            ArousalPearson = ra,
            ArousalRows = na,
        };

        static void Add(Dictionary<string, int> d, string key) => d[key] = d.GetValueOrDefault(key) + 1;
    }

    private static (double? R, int N) Correlate(List<(MoodDevRow Gold, MoodPrediction Prediction)> matched,
        Func<(MoodDevRow Gold, MoodPrediction Prediction), (double? Gold, double? Predicted)> select)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        foreach (var m in matched)
        {
            var (g, p) = select(m);
            if (g is { } gv && p is { } pv)
            {
                xs.Add(gv);
                ys.Add(pv);
            }
        }
        return (Pearson(xs, ys), xs.Count);
    }

    /// <summary>Pearson's r; null for fewer than 3 points or a constant series (as score.py).</summary>
    public static double? Pearson(IReadOnlyList<double> xs, IReadOnlyList<double> ys)
    {
        var n = xs.Count;
        if (n < 3 || ys.Count != n)
            return null;
        double mx = xs.Average(), my = ys.Average(), sxx = 0, syy = 0, sxy = 0;
        for (var i = 0; i < n; i++)
        {
            sxx += (xs[i] - mx) * (xs[i] - mx);
            syy += (ys[i] - my) * (ys[i] - my);
            sxy += (xs[i] - mx) * (ys[i] - my);
        }
        if (sxx == 0 || syy == 0)
            return null;
        return sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>score.py's norm(): split on any whitespace and join with one space.</summary>
    public static string Normalize(string text)
    {
        var sb = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (IsPythonWhitespace(c))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }
            if (pendingSpace) sb.Append(' ');
            pendingSpace = false;
            sb.Append(c);
        }
        return sb.ToString();
    }

    private static bool IsPythonWhitespace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';

    private static double? ToDouble(string raw) =>
        double.TryParse(raw.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;

    /// <summary>score.py's read_tsv: skip blank lines, skip a first-line header whose first cell is "text", pad columns.</summary>
    private static IEnumerable<string[]> ReadTsv(string path, int columns)
    {
        var first = true;
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            var isFirst = first;
            first = false;
            if (line.Trim().Length == 0)
                continue;
            var parts = line.Split('\t');
            if (isFirst && parts[0].Trim().Equals("text", StringComparison.OrdinalIgnoreCase))
                continue;
            if (parts.Length < columns)
                parts = [.. parts, .. Enumerable.Repeat("", columns - parts.Length)];
            yield return parts;
        }
    }
}
