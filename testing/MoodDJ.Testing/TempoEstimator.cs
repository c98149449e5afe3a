namespace MoodDJ.Testing;

/// <summary>
/// Estimates tempo from an onset envelope by autocorrelation. A beat period is scored by how well the
/// rhythm repeats after one beat and, less, after two (a true beat lines up with the bar, an off-grid
/// lag does not), weighted by a prior around 120 BPM (σ = 0.8 octave), which is how listeners settle
/// half/double tempo.
/// </summary>
public static class TempoEstimator
{
    public static double EstimateBpm(ReadOnlySpan<float> onsetEnvelope, double envelopeRate, double minBpm = 40, double maxBpm = 240)
    {
        var n = onsetEnvelope.Length;
        var minLag = Math.Max(1, (int)Math.Floor(60 * envelopeRate / maxBpm));
        var maxLag = (int)Math.Ceiling(60 * envelopeRate / minBpm);
        if (n < 2 * maxLag + 8) maxLag = (n - 8) / 2;
        if (maxLag < minLag) return 0;

        double mean = 0;
        foreach (var x in onsetEnvelope) mean += x;
        mean /= n;
        var centered = new double[n];
        for (var i = 0; i < n; i++) centered[i] = onsetEnvelope[i] - mean;
        var ac = new double[2 * maxLag + 1];
        for (var lag = minLag; lag < ac.Length; lag++)
        {
            double sum = 0;
            for (var i = lag; i < n; i++) sum += centered[i] * centered[i - lag];
            ac[lag] = sum / (n - lag);
        }

        var bestLag = 0;
        var best = double.NegativeInfinity;
        for (var lag = minLag; lag <= maxLag; lag++)
        {
            var octaves = Math.Log2(60 * envelopeRate / lag / 120) / 0.8;
            var score = (ac[lag] + 0.3 * ac[2 * lag]) * Math.Exp(-0.5 * octaves * octaves);
            if (score > best)
            {
                best = score;
                bestLag = lag;
            }
        }
        return bestLag == 0 ? 0 : 60 * envelopeRate / bestLag;
    }
}
