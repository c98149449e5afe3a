using System.Diagnostics;

namespace MoodDJ.Mesh.Tests;

/// <summary>
/// Records what a synchronized player writes with the Stopwatch time each block is heard at (its
/// <c>OnPlayout</c>), so two players' outputs can be compared on one clock.
/// </summary>
internal sealed class PlayoutRecorder(int sampleRate, int capacitySeconds = 60)
{
    private readonly float[] _samples = new float[sampleRate * capacitySeconds];
    private readonly List<(long At, int Index)> _blocks = [];
    private readonly Lock _gate = new();
    private int _count;

    public int SampleRate => sampleRate;

    public int Count { get { lock (_gate) return _count; } }

    public void Record(long heardAt, ReadOnlyMemory<float> block)
    {
        lock (_gate)
        {
            var n = Math.Min(block.Length, _samples.Length - _count);
            if (n <= 0) return;
            block.Span[..n].CopyTo(_samples.AsSpan(_count));
            _blocks.Add((heardAt, _count));
            _count += n;
        }
    }

    /// <summary>The samples and the heard time (Stopwatch seconds) of each, for mono output.</summary>
    public (float[] Samples, double[] Times) Snapshot()
    {
        lock (_gate)
        {
            var samples = _samples.AsSpan(0, _count).ToArray();
            var times = new double[_count];
            for (var b = 0; b < _blocks.Count; b++)
            {
                var (at, index) = _blocks[b];
                var end = b + 1 < _blocks.Count ? _blocks[b + 1].Index : _count;
                for (var i = index; i < end; i++)
                    times[i] = (double)at / Stopwatch.Frequency + (double)(i - index) / sampleRate;
            }
            return (samples, times);
        }
    }

    /// <summary>Stopwatch seconds now, on the recorder's scale.</summary>
    public static double Now => (double)Stopwatch.GetTimestamp() / Stopwatch.Frequency;
}

/// <summary>
/// How far apart two recorded players are: for windows of A's output heard at times T, the same
/// audio is found in B's output by normalized cross-correlation (±3 ms, refined between samples)
/// and the difference of the two heard times is the sync error at T. Windows too quiet or too
/// ambiguous to match (peak below 0.9) are skipped.
/// </summary>
internal static class SyncMeasure
{
    /// <summary>Why windows of the last <see cref="Errors"/> call were skipped: outside a recording, quiet, below 0.9, at the search edge.</summary>
    public static (int Outside, int Quiet, int Weak, int Edge) LastSkipped { get; private set; }

    public static List<(double At, double ErrorMs)> Errors(PlayoutRecorder a, PlayoutRecorder b, double from, double to, double step = 0.1)
    {
        var (outside, quiet, weak, edge) = (0, 0, 0, 0);
        var (sa, ta) = a.Snapshot();
        var (sb, tb) = b.Snapshot();
        // Differencing whitens the music (tones dominate it; a tone matches itself one period
        // off almost as well), so the match locks on transients: the clicks of its drums and note onsets.
        sa = Whiten(sa);
        sb = Whiten(sb);
        var rate = a.SampleRate;
        var window = 8192;
        var search = rate * 3 / 1000;
        var found = new List<(double, double)>();
        for (var t = from; t < to; t += step)
        {
            var ia = Index(ta, t);
            var ib = Index(tb, t);
            if (ia < 0 || ib < 0 || ia + window >= sa.Length || ib - search < 0 || ib + window + search >= sb.Length) { outside++; continue; }
            var x = sa.AsSpan(ia, window);
            var ex = Energy(x);
            if (ex < 1e-6) { quiet++; continue; }
            var best = double.MinValue;
            var bestLag = 0;
            var scores = new double[2 * search + 1];
            for (var lag = -search; lag <= search; lag++)
            {
                var y = sb.AsSpan(ib + lag, window);
                var dot = 0.0;
                for (var i = 0; i < window; i++) dot += x[i] * y[i];
                var score = dot / Math.Sqrt(ex * Energy(y) + 1e-12);
                scores[lag + search] = score;
                if (score > best) (best, bestLag) = (score, lag);
            }
            if (best < 0.9) { weak++; continue; }
            if (bestLag == -search || bestLag == search) { edge++; continue; }
            // Parabolic refinement between samples.
            var (l, c, r) = (scores[bestLag + search - 1], scores[bestLag + search], scores[bestLag + search + 1]);
            var denominator = l - 2 * c + r;
            var fraction = Math.Abs(denominator) < 1e-12 ? 0 : 0.5 * (l - r) / denominator;
            var matchIndex = ib + bestLag;
            var heardB = tb[matchIndex] + fraction / rate;
            found.Add((t, (heardB - ta[ia]) * 1000));
        }
        LastSkipped = (outside, quiet, weak, edge);
        return found;
    }

    /// <summary>For a failure report: the best match of A's window at <paramref name="t"/> in B within ±<paramref name="rangeMs"/>, whole samples (lag ms, score).</summary>
    public static (double LagMs, double Score) Coarse(PlayoutRecorder a, PlayoutRecorder b, double t, double rangeMs = 60)
    {
        var (sa, ta) = a.Snapshot();
        var (sb, tb) = b.Snapshot();
        sa = Whiten(sa);
        sb = Whiten(sb);
        var search = (int)(a.SampleRate * rangeMs / 1000);
        const int window = 8192;
        int ia = Index(ta, t), ib = Index(tb, t);
        if (ia < 0 || ib < 0 || ia + window >= sa.Length || ib - search < 0 || ib + window + search >= sb.Length) return (double.NaN, double.NaN);
        var x = sa.AsSpan(ia, window);
        var ex = Energy(x);
        var (best, bestLag) = (double.MinValue, 0);
        for (var lag = -search; lag <= search; lag++)
        {
            var y = sb.AsSpan(ib + lag, window);
            var dot = 0.0;
            for (var i = 0; i < window; i++) dot += x[i] * y[i];
            var score = dot / Math.Sqrt(ex * Energy(y) + 1e-12);
            if (score > best) (best, bestLag) = (score, lag);
        }
        return ((tb[ib + bestLag] - ta[ia]) * 1000, best);
    }

    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Select(Math.Abs).Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    /// <summary>
    /// A first difference (the transients) then a [1 4 6 4 1]/16 smoothing: a band around 6 kHz, nothing at
    /// Nyquist. Each player resamples at its own fractional read position, and the cubic interpolation damps
    /// the top octave by up to all of it at a half-sample phase, so two players a fraction of a sample apart
    /// hold different content up there. A double difference (the top octave first) made such windows
    /// score 0.4–0.9 against each other, and runs in sync within 10 µs had too few windows left to count.
    /// </summary>
    private static float[] Whiten(float[] x)
    {
        var d = new float[x.Length];
        for (var i = 1; i < x.Length; i++) d[i] = x[i] - x[i - 1];
        var y = new float[x.Length];
        for (var i = 4; i < x.Length; i++) y[i - 2] = (d[i] + 4 * d[i - 1] + 6 * d[i - 2] + 4 * d[i - 3] + d[i - 4]) / 16;
        return y;
    }

    private static int Index(double[] times, double t)
    {
        var i = Array.BinarySearch(times, t);
        if (i < 0) i = ~i;
        return i < times.Length && i > 0 ? i : -1;
    }

    private static double Energy(ReadOnlySpan<float> x)
    {
        var e = 0.0;
        foreach (var v in x) e += v * v;
        return e;
    }
}
