using System.Net;

namespace MoodDJ.Client;

/// <summary>How a <see cref="StationPlayer"/> listens.</summary>
public sealed record StationPlayerOptions
{
    /// <summary>The local UDP port the stream arrives on (0 picks one; seed step 7 runs several players on different ports).</summary>
    public int Port { get; init; }

    public IPAddress Bind { get; init; } = IPAddress.Loopback;

    /// <summary>
    /// Audio the jitter buffer holds before playing, and the floor of its adaptive target; a synchronized
    /// player plays at least this far behind capture (a deep buffer for a mesh peer's failover keeps it).
    /// </summary>
    public TimeSpan JitterDepth { get; init; } = TimeSpan.FromMilliseconds(60);

    /// <summary>The jitter target follows measured arrival jitter and loss (RFC 3550) within [<see cref="JitterDepth"/>, <see cref="JitterMaxDepth"/>].</summary>
    public bool AdaptiveJitter { get; init; } = true;

    /// <summary>The adaptive target's ceiling.</summary>
    public TimeSpan JitterMaxDepth { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Play in sync with every other listener of the station (station clock, sender reports, play-out delay);
    /// the default. False plays each frame as soon as the jitter buffer holds its target (`--no-sync`).
    /// </summary>
    public bool Synchronized { get; init; } = true;

    /// <summary>This device's own output latency (e.g. 150 ms for a Bluetooth speaker): it is written that much earlier, so it is heard in sync.</summary>
    public TimeSpan OutputLatency { get; init; }

    /// <summary>Observes each block a synchronized player writes, with the Stopwatch time it is heard at (tests record outputs on one clock).</summary>
    public Action<long, ReadOnlyMemory<float>>? OnPlayout { get; init; }

    /// <summary>Skip back to <see cref="JitterDepth"/> when more than this is held (null: never); see <see cref="Media.JitterBufferOptions.TrimAbove"/>.</summary>
    public TimeSpan? TrimAbove { get; init; }

    /// <summary>Wait before subscribing again after a failure, doubled up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    public int ReceiveBufferBytes { get; init; } = 1 << 20;

    /// <summary>How often the player tells the station its loss and buffer (through <see cref="StationPlayer.Report"/>).</summary>
    public TimeSpan ReportInterval { get; init; } = TimeSpan.FromSeconds(5);
}
