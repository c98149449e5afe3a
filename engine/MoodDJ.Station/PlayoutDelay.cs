namespace MoodDJ.Station;

/// <summary>
/// The station-wide play-out delay: every player plays a frame at its capture time plus this, so
/// they agree. It follows the largest depth the listeners reported lately (each player's own
/// measure of its wire's jitter and loss, RFC 3550), within the configured bounds. It rises at once
/// (a player needs it now), but falls only after every need stayed at least 10 ms below it for 10 s,
/// and then by 1 ms per report sent: players follow a change by resampling at most 0.2 % (2 ms per
/// second), so the delay never moves faster than they can follow without a jump.
/// </summary>
internal sealed class PlayoutDelay(StationOptions options)
{
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan HoldBeforeFalling = TimeSpan.FromSeconds(10);
    private const int StepDownMicroseconds = 1_000;
    private const int FallMarginMicroseconds = 10_000;

    private uint _current;
    private DateTimeOffset _lowSince = DateTimeOffset.MaxValue;

    /// <summary>The delay announced last (µs; 0 before the first).</summary>
    public uint Current => Volatile.Read(ref _current);

    /// <summary>The delay to announce now, in microseconds.</summary>
    public uint Next(Listener[] listeners)
    {
        var min = options.PlayoutDelayMinMilliseconds * 1000;
        var max = options.PlayoutDelayMaxMilliseconds * 1000;
        var now = DateTimeOffset.UtcNow;
        var need = -1;
        foreach (var listener in listeners)
            if (listener.Report is { } r && now - r.At < Fresh && r.TargetMs > 0)
                need = Math.Max(need, r.TargetMs * 1000);
        var target = (uint)(need < 0 ? options.PlayoutDelayMilliseconds * 1000 : Math.Clamp(need, min, max));
        uint next;
        if (_current == 0 || target >= _current)
        {
            next = target;
            _lowSince = DateTimeOffset.MaxValue;
        }
        else if (target + FallMarginMicroseconds > _current)
        {
            next = _current;   // close enough: no change is worth a re-timing
            _lowSince = DateTimeOffset.MaxValue;
        }
        else
        {
            if (_lowSince == DateTimeOffset.MaxValue) _lowSince = now;
            next = now - _lowSince >= HoldBeforeFalling ? Math.Max(target, _current - StepDownMicroseconds) : _current;
        }
        Volatile.Write(ref _current, next);
        return next;
    }
}
