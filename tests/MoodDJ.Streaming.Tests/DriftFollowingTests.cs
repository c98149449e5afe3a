using MoodDJ.Media;
using Xunit.Abstractions;

namespace MoodDJ.Streaming.Tests;

/// <summary>
/// Ten minutes of simulated time: a sender whose clock runs 100 ppm fast (or slow) against the
/// player's, packets arriving with 2–5 ms of jitter, clock round trips every 0.5 s with 0.1–0.6 ms
/// of delay each way. The player's real parts — <see cref="JitterBuffer"/> (on schedule),
/// <see cref="ClockOffsetEstimator"/> (min-delay filter and skew), <see cref="RateController"/> and
/// <see cref="DriftResampler"/> — must follow the sender: no underrun, no growth of what is held, and
/// a play-out error no larger than the clock estimate's (half a round trip's asymmetry). Simulated, not real time: ten minutes of sockets would prove less
/// (the loopback has no drift) and take ten minutes.
/// </summary>
public sealed class DriftFollowingTests(ITestOutputHelper output)
{
    private const int Rate = 44100, Frame = 441;
    private const double FrameSeconds = 0.01, Delay = 0.06, Lead = 0.02;

    [Theory]
    [InlineData(100)]
    [InlineData(-100)]
    public void A_sender_clock_drifting_100_ppm_is_followed_for_ten_minutes_without_underrun_or_growth(double ppm)
    {
        var k = ppm * 1e-6;
        var random = new Random(5);
        var buffer = new JitterBuffer(new JitterBufferOptions { ClockRate = Rate, TargetDepth = TimeSpan.FromMilliseconds(20), PacketDurationHint = TimeSpan.FromMilliseconds(10) });
        var clock = new ClockOffsetEstimator();
        var controller = new RateController(2000);
        var resampler = new DriftResampler(1, Rate * 2);
        var frame = new float[Frame];
        var block = new float[Frame + 8];
        var payload = new byte[16];

        double Station(double t) => t * (1 + k);                  // the sender's clock against the player's
        static ulong Ntp(double seconds) => (ulong)((seconds + 1000) * 4294967296.0);

        long sent = 0, blocks = 0;
        var nextProbe = 0.0;
        var started = false;
        long origin = 0;
        double anchor = 0;
        var errors = new List<double>();
        var depths = new List<(double At, double Depth)>();
        long underrunsAtStart = 0, concealedAtStart = 0;
        var arrivals = new PriorityQueue<(long Seq, double At), double>();

        for (var now = 0.0; now < 600; now = started ? anchor + blocks * FrameSeconds - Lead : now + 0.002)
        {
            // The sender: frame n is captured at station time n·10 ms, i.e. at n·10 ms / (1 + k) here, and arrives 2–5 ms later.
            while (sent * FrameSeconds / (1 + k) <= now)
            {
                arrivals.Enqueue((sent, 0), sent * FrameSeconds / (1 + k) + 0.002 + random.NextDouble() * 0.003);
                sent++;
            }
            while (arrivals.TryPeek(out var packet, out var at) && at <= now)
            {
                arrivals.Dequeue();
                var header = new RtpHeader { PayloadType = 11, SequenceNumber = (ushort)packet.Seq, Timestamp = (uint)(packet.Seq * Frame), Ssrc = 1 };
                buffer.Insert(header, payload);
            }
            // Round trips on the heartbeat channel.
            while (nextProbe <= now)
            {
                var d1 = 0.0001 + random.NextDouble() * 0.0005;
                var d2 = 0.0001 + random.NextDouble() * 0.0005;
                clock.Add(Ntp(nextProbe), Ntp(Station(nextProbe + d1)), Ntp(Station(nextProbe + d1) + 0.00002), Ntp(nextProbe + d1 + 0.00002 + d2));
                nextProbe += 0.5;
            }
            if (!started)
            {
                if (!clock.IsReady || buffer.Pop(payload, out _, out var ts, drain: true) != JitterPopResult.Packet) continue;
                // Start as SyncedPlayout does: frame 0 heard at its capture time + the delay, on the estimated station clock.
                origin = ts;
                resampler.Push(frame);
                var capture = origin / (double)Rate;
                anchor = capture + Delay - MediaClock.Seconds(clock.OffsetAt(Ntp(capture + Delay)));
                started = true;
                underrunsAtStart = buffer.Stats.Underruns;
                concealedAtStart = buffer.Stats.Concealed;
                continue;
            }
            var heard = anchor + blocks * FrameSeconds;
            var heardStation = heard + MediaClock.Seconds(clock.OffsetAt(Ntp(heard)));
            var error = ((heardStation - Delay) * Rate - (origin + resampler.ReadPosition)) / Rate;
            var ratio = controller.Next(error, FrameSeconds);
            // Against the sender's true clock (not the estimate): what a listener would hear.
            if (heard > 60) errors.Add(((Station(heard) - Delay) * Rate - (origin + resampler.ReadPosition)) / Rate);
            while (!resampler.CanRead(Frame, ratio))
            {
                buffer.PopOnSchedule(payload, out _, out _);   // a Missing here is an underrun: counted by the buffer
                resampler.Push(frame);
            }
            resampler.Read(block, Frame, ratio);
            blocks++;
            if (blocks % 100 == 0) depths.Add((heard, buffer.Buffered.TotalSeconds + resampler.Buffered / Rate));
        }

        var stats = buffer.Stats;
        var early = depths.Where(d => d.At is > 60 and < 120).Average(d => d.Depth);
        var late = depths.Where(d => d.At > 540).Average(d => d.Depth);
        var worst = errors.Max(Math.Abs);
        var p99 = errors.Select(Math.Abs).Order().ElementAt((int)(errors.Count * 0.99));
        output.WriteLine($"{ppm:+0;-0} ppm: {blocks} blocks, underruns {stats.Underruns - underrunsAtStart}, concealed {stats.Concealed - concealedAtStart}, " +
            $"held {early * 1000:F2} ms at 1–2 min and {late * 1000:F2} ms at 9–10 min, true error p99 {p99 * 1e6:F1} µs, worst {worst * 1e6:F1} µs, skew estimate {clock.SkewPpm:F1} ppm");
        Assert.True(blocks > 59_000);
        Assert.Equal(0, stats.Underruns - underrunsAtStart);
        Assert.Equal(0, stats.Concealed - concealedAtStart);
        Assert.True(Math.Abs(late - early) < 0.003, $"what is held moved from {early * 1000:F2} ms to {late * 1000:F2} ms");
        // What is left is the clock estimate's own error: up to half the asymmetry of a round trip (0.25 ms here).
        Assert.True(p99 < 300e-6, $"the play-out error's p99 was {p99 * 1e6:F1} µs");
        Assert.True(worst < 500e-6, $"the play-out error reached {worst * 1e6:F1} µs");
    }
}
