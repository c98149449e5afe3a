using System.Text.Json;

namespace MoodDJ.Station;

/// <summary>
/// More methods on the station's one control server (the rooms, accounts and chat of
/// MoodDJ.Rooms), added with <see cref="StationServer.AddControlMethods"/> before it starts. They
/// are asked before the station's own methods and need no <c>hello</c> first.
/// </summary>
public interface IControlMethods
{
    bool Handles(string method);

    /// <inheritdoc cref="IControlHandler.HandleAsync"/>
    ValueTask<JsonElement?> HandleAsync(ControlSession session, string method, JsonElement parameters, CancellationToken cancellationToken);

    /// <summary>Called once when a session has closed.</summary>
    ValueTask OnSessionClosedAsync(ControlSession session) => ValueTask.CompletedTask;
}
