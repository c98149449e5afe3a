namespace MoodDJ.Media;

/// <summary>
/// Estimates how far the station's clock is ahead of this one from round trips, as NTP does
/// (RFC 5905 §8): for a request sent at t1 (local), received at t2 and answered at t3 (station) and
/// back at t4 (local), offset = ((t2 − t1) + (t3 − t4)) / 2 and delay = (t4 − t1) − (t3 − t2). A
/// sample's error is at most half its delay, so the estimate is the offset of the sample with the
/// least delay among the last <see cref="Window"/> (a queued or delayed datagram is outvoted; start-up
/// samples taken while both ends were still cold age out). Thread-safe.
/// </summary>
public sealed class ClockOffsetEstimator
{
    public const int Window = 8;

    private readonly (long Offset, long Delay)[] _samples = new (long, long)[Window];
    private readonly Lock _gate = new();
    private int _count, _next;
    private long _smoothed;

    /// <summary>Round trips taken.</summary>
    public long Samples { get; private set; }

    /// <summary>True once enough round trips came back to trust the estimate.</summary>
    public bool IsReady { get { lock (_gate) return _count >= 3; } }

    /// <summary>Station clock minus local clock (NTP units, 2⁻³² s).</summary>
    public long Offset { get { lock (_gate) return _smoothed; } }

    /// <summary>The least round-trip delay in the window (NTP units).</summary>
    public long Delay { get { lock (_gate) return MinDelay().Delay; } }

    /// <summary>Adds one round trip; times are NTP (t1, t4 on this clock, t2, t3 on the station's).</summary>
    public void Add(ulong t1, ulong t2, ulong t3, ulong t4)
    {
        var delay = (long)(t4 - t1) - (long)(t3 - t2);
        if (delay < 0) delay = 0;
        var offset = ((long)(t2 - t1) + (long)(t3 - t4)) / 2;
        lock (_gate)
        {
            _samples[_next] = (offset, delay);
            _next = (_next + 1) % Window;
            _count = Math.Min(_count + 1, Window);
            Samples++;
            _smoothed = MinDelay().Offset;
        }
    }

    private (long Offset, long Delay) MinDelay()
    {
        var best = (Offset: 0L, Delay: long.MaxValue);
        for (var i = 0; i < _count; i++)
            if (_samples[i].Delay < best.Delay) best = _samples[i];
        return _count == 0 ? (0, 0) : best;
    }
}
