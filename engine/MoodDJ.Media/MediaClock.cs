using System.Diagnostics;

namespace MoodDJ.Media;

/// <summary>
/// A process's NTP-format clock for synchronized play-out: the wall clock read once at start, then
/// advanced by the monotonic high-resolution clock, so it never steps when the system clock is set.
/// The station stamps sender reports and heartbeat time replies with it; a player reads its own
/// copy and estimates the offset to the station's (<see cref="ClockOffsetEstimator"/>). The anchor
/// is fixed when the process first uses it, so the one shared instance holds no mutable state.
/// </summary>
public sealed class MediaClock
{
    private const double TicksPerSecond = 4294967296.0; // NTP fraction units

    private readonly long _anchorTimestamp;
    private readonly ulong _anchorNtp;

    public MediaClock()
    {
        _anchorTimestamp = Stopwatch.GetTimestamp();
        _anchorNtp = NtpTime.FromDateTime(DateTimeOffset.UtcNow);
    }

    /// <summary>The clock every part of one process shares.</summary>
    public static MediaClock Shared { get; } = new();

    /// <summary>NTP time now.</summary>
    public ulong Now => At(Stopwatch.GetTimestamp());

    /// <summary>NTP time of a <see cref="Stopwatch"/> timestamp.</summary>
    public ulong At(long stopwatchTimestamp) =>
        _anchorNtp + (ulong)(long)Math.Round((stopwatchTimestamp - _anchorTimestamp) * TicksPerSecond / Stopwatch.Frequency);

    /// <summary>The <see cref="Stopwatch"/> timestamp of an NTP time of this clock.</summary>
    public long ToStopwatch(ulong ntp) => _anchorTimestamp + (long)Math.Round(Seconds((long)(ntp - _anchorNtp)) * Stopwatch.Frequency);

    /// <summary>A signed NTP difference in seconds.</summary>
    public static double Seconds(long ntpDifference) => ntpDifference / TicksPerSecond;

    /// <summary>Seconds as a signed NTP difference.</summary>
    public static long FromSeconds(double seconds) => (long)Math.Round(seconds * TicksPerSecond);
}
