using System.Net;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Protocol;
using MoodDJ.Hosting;

namespace MoodDJ.Station;

/// <summary>Everything a <see cref="ControlServer"/> limits. Each limit is enforced and counted when hit.</summary>
public sealed record ControlServerOptions
{
    /// <summary>Where to listen (port 0 picks a free port).</summary>
    public IPEndPoint EndPoint { get; init; } = new(IPAddress.Loopback, 5678);

    /// <summary>Open connections (handshaking or in session); more are refused with a JSON-RPC error.</summary>
    public int MaxConnections { get; init; } = 1000;

    /// <summary>How long a new connection may take to finish the crypto handshake.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A session that sends nothing (not even a ping) for this long is dropped. Infinite disables it.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Messages (replies and notifications) waiting to be sent to one client; one more drops it as stalled.</summary>
    public int SendQueueMessages { get; init; } = 256;

    /// <summary>Bytes waiting to be sent to one client; more drops it as stalled.</summary>
    public long SendQueueBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>Requests of one session handled at once; reading pauses while all are busy.</summary>
    public int MaxConcurrentRequests { get; init; } = 8;

    /// <summary>How long a refused connection is kept open so the client can read the refusal.</summary>
    public TimeSpan RefusalLinger { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Refused connections kept lingering at once; beyond it they are closed at once.</summary>
    public int MaxLingeringRefusals { get; init; } = 64;

    public ControlLimits Frames { get; init; } = ControlLimits.Default;

    public MessageLimits Messages { get; init; } = MessageLimits.Default;

    /// <summary>Throws with a message naming the bad option.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(EndPoint);
        Require(MaxConnections >= 1, "MaxConnections must be at least 1.");
        Require(HandshakeTimeout > TimeSpan.Zero, "HandshakeTimeout must be positive.");
        Require(IdleTimeout > TimeSpan.Zero || IdleTimeout == Timeout.InfiniteTimeSpan, "IdleTimeout must be positive (or infinite).");
        Require(SendQueueMessages >= 1, "SendQueueMessages must be at least 1.");
        Require(SendQueueBytes >= 1, "SendQueueBytes must be at least 1.");
        Require(MaxConcurrentRequests >= 1, "MaxConcurrentRequests must be at least 1.");
        Require(MaxLingeringRefusals >= 0, "MaxLingeringRefusals must not be negative.");
        Require(Frames.MaxFrameBytes >= 256, "Frames.MaxFrameBytes must be at least 256.");
        Messages.Validate();
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new ArgumentException($"Control server options: {message}");
    }
}
