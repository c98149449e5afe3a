using System.Diagnostics;
using MoodDJ.Station;
using MoodDJ.Client;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Station.Tests.Station;

public class PacingClockTests
{
    [Fact]
    public void Frames_are_released_at_real_time_rate_without_drift()
    {
        var clock = new PacingClock(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(200), 3);
        var watch = Stopwatch.StartNew();
        long frames = 0;
        while (frames < 100)
            frames += clock.WaitNext(CancellationToken.None);
        watch.Stop();
        // 100 frames of 10 ms: the first is due at once, the 100th at 990 ms. Generous bounds for a loaded machine.
        Assert.InRange(watch.Elapsed.TotalMilliseconds, 900, 1600);
        Assert.InRange(frames, 100, 102);
    }

    [Fact]
    public void A_late_wake_up_releases_a_few_frames_not_the_whole_backlog()
    {
        var time = new ListenerRegistryTests.ManualTime();
        var clock = new PacingClock(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(200), maxFramesPerWake: 3, time);
        Assert.Equal(1, clock.WaitNext(CancellationToken.None));   // frame 0, due at once
        time.Advance(TimeSpan.FromMilliseconds(55));                 // frames 1..5 are due
        Assert.Equal(3, clock.WaitNext(CancellationToken.None));
        Assert.Equal(2, clock.WaitNext(CancellationToken.None));
        Assert.Equal(6, clock.FramesReleased);
        Assert.Equal(0, clock.Resyncs);
    }

    [Fact]
    public void Falling_far_behind_drops_the_missed_time_instead_of_bursting()
    {
        var time = new ListenerRegistryTests.ManualTime();
        var clock = new PacingClock(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(200), 3, time);
        clock.WaitNext(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(5));                       // a frozen VM
        Assert.Equal(1, clock.WaitNext(CancellationToken.None));
        Assert.Equal(1, clock.Resyncs);
        Assert.Equal(499, clock.FramesDropped);
        Assert.Equal(501, clock.FramesReleased);
    }

    [Fact]
    public void Cancellation_ends_the_wait()
    {
        var clock = new PacingClock(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), 1);
        clock.WaitNext(CancellationToken.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, clock.WaitNext(cts.Token));
    }
}
