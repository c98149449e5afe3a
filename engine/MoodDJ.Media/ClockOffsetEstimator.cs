namespace MoodDJ.Media;

/// <summary>
/// Estimates how far the station's clock is ahead of this one from round trips, as NTP does
/// (RFC 5905 §8): for a request sent at t1 (local), received at t2 and answered at t3 (station) and
/// back at t4 (local), offset = ((t2 − t1) + (t3 − t4)) / 2 and delay = (t4 − t1) − (t3 − t2). A
/// sample's error is at most half its delay, so the estimate is the mean offset of the fastest few among
/// the last <see cref="Window"/> (a queued or delayed datagram is outvoted; start-up samples taken while
/// both ends were still cold age out). Two machines' clocks also run at slightly
/// different rates (tens of ppm): the skew is the least-squares slope of the offsets of the longer history's
/// faster half over time, and <see cref="OffsetAt"/> carries the estimate forward with it. Thread-safe.
/// </summary>
public sealed class ClockOffsetEstimator
{
    public const int Window = 8;

    /// <summary>Samples the skew is fitted over (16 s at two a second): long enough that delay noise hardly tilts it.</summary>
    public const int SkewWindow = 32;

    private readonly (double At, double Offset, long Delay)[] _history = new (double, double, long)[SkewWindow];
    private int _historyCount, _historyNext;
    private readonly (long Offset, long Delay, ulong At)[] _samples = new (long, long, ulong)[Window];
    private readonly Lock _gate = new();
    private int _count, _next;
    private long _smoothed;
    private ulong _bestAt;
    private double _skew;

    /// <summary>How much faster the station's clock runs than this one (parts per million), from the window's slope.</summary>
    public double SkewPpm { get { lock (_gate) return _skew * 1e6; } }

    /// <summary>The offset at local time <paramref name="localNtp"/>: the estimate at the last sample, carried forward by the skew.</summary>
    public long OffsetAt(ulong localNtp)
    {
        lock (_gate) return _smoothed + (long)(_skew * (long)(localNtp - _bestAt));
    }

    private ulong _originAt;
    private bool _hasOrigin;

    private ulong _origin(ulong at)
    {
        if (!_hasOrigin) (_originAt, _hasOrigin) = (at, true);
        return _originAt;
    }

    // Least squares of offset on local time over the longer history, on its faster half only (delay at or
    // below the median): a sample's offset can be off by up to half its round trip, and on a loaded machine
    // a few queued round trips (milliseconds) tilted a fit over all samples by hundreds of ppm, which carried
    // forward moved synchronized play-out by milliseconds. 0 until the kept samples span 8 s.
    private double Slope()
    {
        if (_historyCount < 8) return 0;
        for (var i = 0; i < _historyCount; i++) _delays[i] = _history[i].Delay;
        Array.Sort(_delays, 0, _historyCount);
        var limit = _delays[(_historyCount - 1) / 2];
        double n = 0, sx = 0, sy = 0, min = double.MaxValue, max = double.MinValue;
        for (var i = 0; i < _historyCount; i++)
        {
            var (x, y, delay) = _history[i];
            if (delay > limit) continue;
            n++; sx += x; sy += y;
            min = Math.Min(min, x); max = Math.Max(max, x);
        }
        if (n < 4 || max - min < 8 * 4294967296.0) return 0;
        double mx = sx / n, my = sy / n, sxx = 0, sxy = 0;
        for (var i = 0; i < _historyCount; i++)
        {
            var (x, y, delay) = _history[i];
            if (delay > limit) continue;
            sxx += (x - mx) * (x - mx);
            sxy += (x - mx) * (y - my);
        }
        var slope = sxy / sxx;
        // A slope within three standard errors of 0 is noise (the same clock, or one too steady to tell yet):
        // carried forward, a noise slope of 20 ppm moves play-out 80 µs in 4 s.
        var residuals = 0.0;
        for (var i = 0; i < _historyCount; i++)
        {
            var (x, y, delay) = _history[i];
            if (delay > limit) continue;
            var r = y - my - slope * (x - mx);
            residuals += r * r;
        }
        var standardError = Math.Sqrt(residuals / Math.Max(1, n - 2) / sxx);
        if (Math.Abs(slope) < 3 * standardError) return 0;
        return Math.Clamp(slope, -MaxSkew, MaxSkew);
    }

    private readonly long[] _delays = new long[SkewWindow];

    /// <summary>Crystal clocks differ by tens of ppm; a fit beyond 500 ppm is noise, not skew.</summary>
    private const double MaxSkew = 500e-6;

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
            _samples[_next] = (offset, delay, t4);
            _history[_historyNext] = ((long)(t4 - _origin(t4)), offset, delay);
            _historyNext = (_historyNext + 1) % SkewWindow;
            _historyCount = Math.Min(_historyCount + 1, SkewWindow);
            _next = (_next + 1) % Window;
            _count = Math.Min(_count + 1, Window);
            Samples++;
            _skew = Slope();
            Estimate(t4);
        }
    }

    /// <summary>
    /// The offset at <paramref name="now"/>: the mean of the window's fastest samples (delay within twice the
    /// least + 50 µs, at most <see cref="Averaged"/>), each carried to now by the skew. One least-delay sample
    /// alone is off by its own asymmetry, and the estimate then jumped by ~0.1 ms whenever another took its place.
    /// </summary>
    private void Estimate(ulong now)
    {
        var least = MinDelay().Delay;
        var limit = 2 * least + GoodDelayMargin;
        Span<int> chosen = stackalloc int[Averaged];
        var taken = 0;
        for (var i = 0; i < _count; i++)
        {
            if (_samples[i].Delay > limit) continue;
            // Keep the Averaged fastest: replace the slowest taken when this one is faster.
            if (taken < Averaged) { chosen[taken++] = i; continue; }
            var slowest = 0;
            for (var j = 1; j < taken; j++) if (_samples[chosen[j]].Delay > _samples[chosen[slowest]].Delay) slowest = j;
            if (_samples[i].Delay < _samples[chosen[slowest]].Delay) chosen[slowest] = i;
        }
        var sum = 0.0;
        for (var j = 0; j < taken; j++)
        {
            var (offset, _, at) = _samples[chosen[j]];
            sum += offset + _skew * (long)(now - at);
        }
        _smoothed = (long)Math.Round(sum / taken);
        _bestAt = now;
    }

    /// <summary>Samples averaged into the offset at most.</summary>
    private const int Averaged = 4;

    /// <summary>50 µs in NTP units: a sample this much slower than twice the least still counts.</summary>
    private const long GoodDelayMargin = 214_748;

    private (long Offset, long Delay, ulong At) MinDelay()
    {
        var best = (Offset: 0L, Delay: long.MaxValue, At: 0UL);
        for (var i = 0; i < _count; i++)
            if (_samples[i].Delay < best.Delay) best = _samples[i];
        return _count == 0 ? (0, 0, 0) : best;
    }
}
