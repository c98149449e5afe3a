using System.Globalization;
using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Plugins.Lexicon.Model;

/// <summary>How <see cref="MoodTrainer"/> trains; the defaults are what the shipped model used.</summary>
public sealed record MoodTrainingOptions
{
    public int Epochs { get; init; } = 4;
    public double LearningRate { get; init; } = 0.3;
    public double L2 { get; init; } = 1e-6;
    /// <summary>Class weight = (rows / (moods × rows of the mood)) ^ this: 0 ignores imbalance, 1 fully balances.</summary>
    public double ClassWeightPower { get; init; } = 1.0;
    public int Seed { get; init; } = 20261130;
}

/// <summary>
/// Trains <see cref="MoodModel"/> by AdaGrad on the softmax loss with class weights, one example at a
/// time in an order fixed by the seed, on one thread: the same rows give the same weights.
/// </summary>
public static class MoodTrainer
{
    /// <summary>Reads a training TSV (text, mood, …; header optional). Rows with no or an unknown mood are skipped.</summary>
    public static List<(string Text, int Mood)> ReadRows(string path)
    {
        var rows = new List<(string, int)>();
        foreach (var line in File.ReadLines(path))
        {
            var cols = line.Split('\t');
            if (cols.Length < 2) continue;
            if (Enum.TryParse<MoodLabel>(cols[1].Trim(), true, out var mood) && (int)mood < MoodModel.Classes && cols[1].Trim().Length > 0 && !int.TryParse(cols[1], out _))
                rows.Add((cols[0], (int)mood));
        }
        return rows;
    }

    public static MoodModel Train(IReadOnlyList<(string Text, int Mood)> rows, MoodTrainingOptions? options = null, TextWriter? log = null)
    {
        options ??= new MoodTrainingOptions();
        const int K = MoodModel.Classes;
        var examples = new int[rows.Count][];
        var scales = new float[rows.Count];
        var buffer = new List<int>();
        var counts = new int[K];
        for (var i = 0; i < rows.Count; i++)
        {
            buffer.Clear();
            MoodFeatures.Extract(rows[i].Text, buffer);
            examples[i] = [.. buffer];
            scales[i] = buffer.Count > 0 ? (float)(1 / Math.Sqrt(buffer.Count)) : 0;
            counts[rows[i].Mood]++;
        }
        var classWeight = new double[K];
        for (var k = 0; k < K; k++)
            classWeight[k] = counts[k] == 0 ? 0 : Math.Pow(rows.Count / (double)(K * counts[k]), options.ClassWeightPower);

        var w = new float[MoodFeatures.Buckets * K];
        var g2 = new float[w.Length];
        var bias = new double[K];
        var biasG2 = new double[K];
        var order = Enumerable.Range(0, rows.Count).ToArray();
        var random = new Random(options.Seed);
        Span<double> z = stackalloc double[K];
        Span<double> p = stackalloc double[K];
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            // Fisher–Yates with the seeded generator: a fixed order per epoch.
            for (var i = order.Length - 1; i > 0; i--)
            {
                var j = random.Next(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
            double loss = 0;
            foreach (var n in order)
            {
                var x = examples[n];
                var s = scales[n];
                var y = rows[n].Mood;
                for (var k = 0; k < K; k++) z[k] = 0;
                foreach (var f in x)
                    for (var k = 0; k < K; k++) z[k] += w[f * K + k];
                for (var k = 0; k < K; k++) z[k] = z[k] * s + bias[k];
                MoodModel.Softmax(z, p);
                var cw = classWeight[y];
                loss -= cw * Math.Log(Math.Max(p[y], 1e-12));
                for (var k = 0; k < K; k++)
                {
                    var g = cw * (p[k] - (k == y ? 1 : 0));
                    biasG2[k] += g * g;
                    bias[k] -= options.LearningRate * g / Math.Sqrt(biasG2[k] + 1e-8);
                    var gs = (float)(g * s);
                    foreach (var f in x)
                    {
                        var idx = f * K + k;
                        var grad = gs + (float)options.L2 * w[idx];
                        g2[idx] += grad * grad;
                        w[idx] -= (float)(options.LearningRate * grad / Math.Sqrt(g2[idx] + 1e-8));
                    }
                }
            }
            log?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch + 1}/{options.Epochs}: weighted loss {loss / rows.Count:0.0000}"));
        }
        return new MoodModel(w, [.. bias.Select(b => (float)b)]);
    }
}
