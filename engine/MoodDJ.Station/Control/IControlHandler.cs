using System.Text.Json;
using MoodDJ.Protocol;
using MoodDJ.Hosting;

namespace MoodDJ.Station;

/// <summary>
/// Answers the requests of control sessions (the station implements it). The server calls
/// <see cref="HandleAsync"/> for every request and notification except "ping", which it answers itself.
/// </summary>
public interface IControlHandler
{
    /// <summary>
    /// Handles <paramref name="method"/> with its by-name <paramref name="parameters"/> (undefined
    /// when the request has none). Returns the result (null → JSON null). Throw
    /// <see cref="JsonRpcException"/> to answer with an error, e.g.
    /// <see cref="JsonRpcException.MethodNotFound"/> for an unknown method. Ignore members you do
    /// not know so that newer clients keep working. <paramref name="cancellationToken"/> is
    /// cancelled when the session closes.
    /// </summary>
    ValueTask<JsonElement?> HandleAsync(ControlSession session, string method, JsonElement parameters, CancellationToken cancellationToken);

    /// <summary>Called once after the handshake, before the session's first request.</summary>
    ValueTask OnSessionOpenedAsync(ControlSession session) => ValueTask.CompletedTask;

    /// <summary>Called once when the session has closed (<see cref="ControlSession.CloseReason"/> says why).</summary>
    ValueTask OnSessionClosedAsync(ControlSession session) => ValueTask.CompletedTask;
}
