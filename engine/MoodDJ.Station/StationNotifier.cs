using MoodDJ.Protocol;

namespace MoodDJ.Station;

/// <summary>
/// Sends one station's notifications to the sessions routed to it (serialized once). Sessions that
/// have not said hello yet hear the default station, as a single-station server always did.
/// </summary>
internal sealed class StationNotifier(ControlServer control, LiveStation station, Func<LiveStation?> defaultStation)
{
    /// <summary>Sends one notification to the sessions of the client with <paramref name="resumeToken"/> (the owner of a listener).</summary>
    public int NotifyClient(string resumeToken, string method, object? parameters)
    {
        PooledMessage? message = null;
        var count = 0;
        try
        {
            foreach (var session in control.Sessions)
            {
                if (StationSession.Of(session)?.ResumeToken != resumeToken) continue;
                message ??= JsonRpcWriter.Notification(method, parameters);
                if (session.NotifyRaw(message.Span)) count++;
            }
        }
        finally
        {
            message?.Dispose();
        }
        return count;
    }

    public int Broadcast(string method, object? parameters)
    {
        var isDefault = ReferenceEquals(defaultStation(), station);
        PooledMessage? message = null;
        var count = 0;
        try
        {
            foreach (var session in control.Sessions)
            {
                var routed = StationSession.Of(session)?.Station;
                if (routed is null ? !isDefault : !ReferenceEquals(routed, station)) continue;
                message ??= JsonRpcWriter.Notification(method, parameters);
                if (session.NotifyRaw(message.Span)) count++;
            }
        }
        finally
        {
            message?.Dispose();
        }
        return count;
    }
}
