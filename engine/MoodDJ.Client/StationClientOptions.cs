using System.Net;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Client;

/// <summary>How a <see cref="StationClient"/> connects, calls, keeps alive and reconnects.</summary>
public sealed record StationClientOptions
{
    /// <summary>The station's control endpoint.</summary>
    public required EndPoint EndPoint { get; init; }

    /// <summary>The name sent in hello (shown in the station's log).</summary>
    public string ClientName { get; init; } = "mooddj";

    /// <summary>The station to talk to, by id (hello's <c>station</c> parameter); null: the server's default station.</summary>
    public string? Station { get; init; }

    /// <summary>The method sent first on every connection (null: none). Its result's resumeToken is sent back on reconnect.</summary>
    public string? HelloMethod { get; init; } = StationMethods.Hello;

    /// <summary>How long a call waits for its reply (and, while reconnecting, for a connection).</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A ping goes out this often; it also keeps the server's idle timer from expiring.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>A ping unanswered this long counts the connection as dead (and reconnects).</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Reconnect by itself after the connection is lost.</summary>
    public bool AutoReconnect { get; init; } = true;

    /// <summary>First wait before reconnecting; doubles per failed attempt up to <see cref="ReconnectMaxDelay"/>, with jitter.</summary>
    public TimeSpan ReconnectInitialDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Notifications kept for a slow reader of <see cref="StationClient.ReadNotificationsAsync"/>; the oldest go first.</summary>
    public int NotificationBuffer { get; init; } = 256;

    public ControlLimits Frames { get; init; } = ControlLimits.Default;

    public MessageLimits Messages { get; init; } = MessageLimits.Default;

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(EndPoint);
        if (CallTimeout <= TimeSpan.Zero) throw new ArgumentException("StationClient: CallTimeout must be positive.");
        if (HeartbeatInterval <= TimeSpan.Zero && HeartbeatInterval != Timeout.InfiniteTimeSpan)
            throw new ArgumentException("StationClient: HeartbeatInterval must be positive (or infinite).");
        if (ReconnectInitialDelay <= TimeSpan.Zero || ReconnectMaxDelay < ReconnectInitialDelay)
            throw new ArgumentException("StationClient: ReconnectInitialDelay must be positive and at most ReconnectMaxDelay.");
        if (NotificationBuffer < 1) throw new ArgumentException("StationClient: NotificationBuffer must be at least 1.");
        Messages.Validate();
    }
}

public enum StationClientState { Disconnected, Connecting, Connected, Reconnecting, Closed }

/// <summary>A notification (event) pushed by the station; <see cref="Params"/> is an owned copy (undefined when absent).</summary>
public sealed record StationNotification(string Method, System.Text.Json.JsonElement Params);

/// <summary>The connection was lost while a call waited for its reply; the call may or may not have run.</summary>
public sealed class StationConnectionLostException(string message, Exception? inner = null) : IOException(message, inner);
