using System.Net;

namespace MoodDJ.Client;

/// <summary>How a <see cref="StationPlayer"/> listens.</summary>
public sealed record StationPlayerOptions
{
    /// <summary>The local UDP port the stream arrives on (0 picks one; seed step 7 runs several players on different ports).</summary>
    public int Port { get; init; }

    public IPAddress Bind { get; init; } = IPAddress.Loopback;

    /// <summary>Audio the jitter buffer holds before playing.</summary>
    public TimeSpan JitterDepth { get; init; } = TimeSpan.FromMilliseconds(60);

    /// <summary>Skip back to <see cref="JitterDepth"/> when more than this is held (null: never); see <see cref="Media.JitterBufferOptions.TrimAbove"/>.</summary>
    public TimeSpan? TrimAbove { get; init; }

    /// <summary>Wait before subscribing again after a failure, doubled up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    public int ReceiveBufferBytes { get; init; } = 1 << 20;

    /// <summary>How often the player tells the station its loss and buffer (through <see cref="StationPlayer.Report"/>).</summary>
    public TimeSpan ReportInterval { get; init; } = TimeSpan.FromSeconds(5);
}
