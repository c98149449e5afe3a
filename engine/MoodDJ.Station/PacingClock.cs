using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Hosting;

namespace MoodDJ.Station;

/// <summary>
/// Real-time pacing for the audio pump. Frame n is due at start + n × frame duration, measured on
/// the monotonic high-resolution clock, so sleep jitter never accumulates into drift. A late wake-up
/// releases the frames it missed, but at most <c>maxFramesPerWake</c> at once (never a whole
/// buffer in one burst); when the pump has fallen further behind than <c>maxCatchUp</c> (a paused
/// VM, a long GC) the missed time is dropped and the schedule restarts from now.
/// Used from one thread; blocking by design (the pump runs on its own thread).
/// </summary>
public sealed class PacingClock
{
    private readonly TimeProvider _time;
    private readonly long _frameTicks;          // in TimeProvider timestamp units
    private readonly long _maxCatchUpFrames;
    private readonly int _maxFramesPerWake;
    private readonly long _tolerance;
    private long _start;
    private long _released;

    public PacingClock(TimeSpan frameDuration, TimeSpan maxCatchUp, int maxFramesPerWake, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(frameDuration, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFramesPerWake, 1);
        _time = time ?? TimeProvider.System;
        FrameDuration = frameDuration;
        _frameTicks = (long)(frameDuration.TotalSeconds * _time.TimestampFrequency);
        _maxCatchUpFrames = Math.Max(1, (long)(maxCatchUp / frameDuration));
        _maxFramesPerWake = maxFramesPerWake;
        _tolerance = _time.TimestampFrequency / 2000;
        _start = _time.GetTimestamp();
    }

    public TimeSpan FrameDuration { get; }

    /// <summary>Frames handed out so far (including time dropped by resyncs).</summary>
    public long FramesReleased => _released;

    /// <summary>Wake-ups that found more than one frame due.</summary>
    public long LateWakes { get; private set; }

    /// <summary>Times the schedule was restarted because the pump fell too far behind.</summary>
    public long Resyncs { get; private set; }

    /// <summary>Frames of time skipped by resyncs.</summary>
    public long FramesDropped { get; private set; }

    /// <summary>
    /// The <see cref="System.Diagnostics.Stopwatch"/> timestamp frame <paramref name="frame"/> is due at
    /// (frames counted as <see cref="FramesReleased"/> counts them); null unless the clock runs on the system time.
    /// </summary>
    public long? DueTimestamp(long frame) => _time == TimeProvider.System ? _start + frame * _frameTicks : null;

    /// <summary>Restarts the schedule from now (the next frame is due at once).</summary>
    public void Restart()
    {
        _start = _time.GetTimestamp();
        _released = 0;
    }

    /// <summary>
    /// Sleeps until the next frame is due and returns how many frames to produce now
    /// (1..maxFramesPerWake), or 0 when <paramref name="cancellationToken"/> fired.
    /// </summary>
    public int WaitNext(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            // Half a millisecond of tolerance: release a frame that is almost due rather than sleep
            // again (Linux sleeps wake ~0.1 ms late); the schedule itself stays absolute.
            var elapsed = _time.GetTimestamp() - _start + _tolerance;
            var due = elapsed / _frameTicks + 1;   // frame 0 is due at the start
            var behind = due - _released;
            if (behind > 0)
            {
                if (behind > _maxCatchUpFrames)
                {
                    // Too far behind to catch up gracefully: drop the missed time, keep one frame.
                    Resyncs++;
                    FramesDropped += behind - 1;
                    _released = due - 1;
                    behind = 1;
                }
                if (behind > 1) LateWakes++;
                var frames = (int)Math.Min(behind, _maxFramesPerWake);
                _released += frames;
                return frames;
            }
            var untilDue = (_released * _frameTicks) - elapsed;
            var ms = untilDue * 1000 / _time.TimestampFrequency;
            cancellationToken.WaitHandle.WaitOne((int)Math.Clamp(ms, 1, int.MaxValue));
        }
        return 0;
    }
}
