using MoodDJ.Media;

namespace MoodDJ.Streaming.Tests;

/// <summary>
/// The station clock estimate under load: round trips mostly fast, but some queued for milliseconds
/// on one leg (a busy machine), whose offsets are off by up to half their delay. The skew must come
/// from the fast ones only: a fit over all of them tilted it by hundreds of ppm on this machine, and
/// carried forward that moved synchronized play-out by milliseconds.
/// </summary>
public sealed class ClockSkewTests
{
    private static ulong Ntp(double seconds) => (ulong)((seconds + 1000) * 4294967296.0);

    [Theory]
    [InlineData(0)]
    [InlineData(80)]
    [InlineData(-80)]
    public void Queued_round_trips_do_not_tilt_the_skew(double ppm)
    {
        var random = new Random(3);
        var clock = new ClockOffsetEstimator();
        var k = ppm * 1e-6;
        const double offset = 0.25;   // the station is 250 ms ahead
        for (var i = 0; i < 64; i++)
        {
            var t1 = i * 0.5;
            // One in three requests waits 1–20 ms in a queue before the station reads it (the slow ones come in bursts).
            var queued = i % 3 == 0 ? 0.001 + random.NextDouble() * 0.019 : 0;
            var there = t1 + 0.00005 + random.NextDouble() * 0.00005 + queued;
            var t2 = there * (1 + k) + offset;
            var t3 = t2 + 0.00001;
            var t4 = there + 0.00001 + 0.00005 + random.NextDouble() * 0.00005;
            clock.Add(Ntp(t1), Ntp(t2), Ntp(t3), Ntp(t4));
            if (i >= 40)
            {
                Assert.InRange(clock.SkewPpm, ppm - 10, ppm + 10);
                if (ppm == 0) Assert.Equal(0, clock.SkewPpm);   // noise is not taken for skew
                // Two seconds on, the estimate is still within 100 µs of the truth.
                var later = t4 + 2;
                var truth = later * k + offset;
                var estimate = MediaClock.Seconds(clock.OffsetAt(Ntp(later)));
                Assert.InRange(estimate - truth, -100e-6, 100e-6);
            }
        }
    }

    [Fact]
    public void A_long_slew_does_not_wind_up_the_rate_controller()
    {
        // 15 ms behind (the station raised its delay): slewing at the limit must not leave an integral that overshoots.
        var controller = new RateController(2000);
        var error = -0.015;
        const double block = 0.01;
        var worstOvershoot = 0.0;
        for (var i = 0; i < 2000; i++)
        {
            var ratio = controller.Next(error, block);
            error += (1 - ratio) * block;   // the schedule moves 1 input frame per output frame, the read position `ratio`
            if (i > 0 && error > 0) worstOvershoot = Math.Max(worstOvershoot, error);
        }
        Assert.True(Math.Abs(error) < 20e-6, $"error left {error * 1e6:F1} µs");
        Assert.True(worstOvershoot < 150e-6, $"overshoot {worstOvershoot * 1e6:F1} µs");   // 737 µs when the integral wound up
    }
}
