namespace MoodDJ.Media;

/// <summary>
/// RFC 3550 §6.4.1 / A.8 interarrival jitter: the mean deviation of the transit time (arrival minus
/// RTP timestamp) between consecutive packets, smoothed with gain 1/16, and from it the jitter
/// buffer depth a player needs: a few times the jitter, a frame, and more while packets are lost
/// (a gap costs one more frame of margin). Kept within the configured bounds. Not thread-safe.
/// </summary>
public sealed class InterarrivalJitter(int clockRate)
{
    private double _jitter;          // RTP ticks
    private long _lastTransit;
    private bool _started;

    /// <summary>The smoothed jitter.</summary>
    public TimeSpan Jitter => TimeSpan.FromSeconds(_jitter / clockRate);

    /// <summary>The jitter in RTP ticks, as a receiver report carries it.</summary>
    public uint JitterTicks => (uint)_jitter;

    /// <summary>One packet arrived at <paramref name="arrivalStopwatch"/> with RTP <paramref name="timestamp"/>.</summary>
    public void Update(long arrivalStopwatch, uint timestamp)
    {
        var arrival = (long)((double)arrivalStopwatch * clockRate / System.Diagnostics.Stopwatch.Frequency);
        var transit = arrival - timestamp;
        if (_started)
        {
            var d = Math.Abs((int)(transit - _lastTransit));   // 32-bit wrap of the RTP timestamp is harmless here
            if (d < clockRate) _jitter += (d - _jitter) / 16.0;   // a pause's timestamp jump is not jitter
        }
        _lastTransit = transit;
        _started = true;
    }

    /// <summary>
    /// The depth to hold: <paramref name="floor"/> (output lead and one frame) plus four jitters, plus
    /// one frame per percent of loss (up to five), within [<paramref name="min"/>, <paramref name="max"/>].
    /// </summary>
    public TimeSpan Target(TimeSpan floor, TimeSpan frame, double lossFraction, TimeSpan min, TimeSpan max)
    {
        var lossFrames = Math.Min(5, Math.Floor(lossFraction * 100));
        var target = floor + 4 * Jitter + lossFrames * frame;
        return target < min ? min : target > max ? max : target;
    }
}
