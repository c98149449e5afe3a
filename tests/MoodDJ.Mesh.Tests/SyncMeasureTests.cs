using System.Diagnostics;

namespace MoodDJ.Mesh.Tests;

/// <summary>
/// The sync tests are only as good as their ruler: two recordings of one signal heard a known
/// fraction of a millisecond apart must measure as that far apart, so a matcher that reads 0 for
/// anything (or skips every window) cannot pass the click-track tests by accident.
/// </summary>
public sealed class SyncMeasureTests
{
    private const int Rate = 44100;
    private const int Block = 441;

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.13)]   // under 6 samples: the refinement between samples has to find it
    [InlineData(0.25)]   // 2.5 times the tests' 0.1 ms limit
    [InlineData(-1.7)]
    public void Two_recordings_heard_a_known_time_apart_measure_that_far_apart(double offsetMs)
    {
        var a = new PlayoutRecorder(Rate, capacitySeconds: 12);
        var b = new PlayoutRecorder(Rate, capacitySeconds: 12);
        var start = Stopwatch.GetTimestamp();
        var ticksPerBlock = (double)Stopwatch.Frequency * Block / Rate;
        // B's block k holds the signal from time t, heard offsetMs later than A hears time t.
        for (var k = 0; k < 10 * Rate / Block; k++)
        {
            var at = start + (long)(k * ticksPerBlock);
            a.Record(at, Render(k * Block, 0));
            b.Record(at, Render(k * Block, -offsetMs / 1000));
        }
        var from = (double)start / Stopwatch.Frequency + 1;
        var errors = SyncMeasure.Errors(a, b, from, from + 8);

        Assert.True(errors.Count >= 40, $"only {errors.Count} windows matched; skipped {SyncMeasure.LastSkipped}");
        var median = errors.Select(e => e.ErrorMs).Order().ElementAt(errors.Count / 2);
        Assert.InRange(median, offsetMs - 0.01, offsetMs + 0.01);
    }

    /// <summary>Music-like: two held tones, plus decaying clicks at irregular 80–160 ms intervals.</summary>
    private static float[] Render(int firstSample, double shiftSeconds)
    {
        var block = new float[Block];
        for (var i = 0; i < Block; i++)
        {
            var t = (double)(firstSample + i) / Rate + shiftSeconds;
            var value = 0.2 * Math.Sin(2 * Math.PI * 220 * t) + 0.1 * Math.Sin(2 * Math.PI * 331 * t);
            var click = ClickBefore(t);
            var since = t - click;
            if (since >= 0) value += 0.5 * Math.Exp(-since * 2000) * Math.Sin(2 * Math.PI * 3000 * since);
            block[i] = (float)value;
        }
        return block;
    }

    /// <summary>The last click time at or before t: clicks every 80–160 ms, spaced by a fixed pseudo-random rule.</summary>
    private static double ClickBefore(double t)
    {
        var at = -1.0;
        var next = 0.05;
        for (var n = 0; next <= t; n++)
        {
            at = next;
            next += 0.08 + 0.08 * ((n * 7919 % 101) / 100.0);
        }
        return at;
    }
}
