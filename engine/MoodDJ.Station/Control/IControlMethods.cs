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

    /// <summary>
    /// Asked before a session's <paramref name="method"/> runs on <paramref name="station"/> (hello
    /// included, once it has picked the station); throws a <c>JsonRpcException</c> to refuse it. The
    /// rooms use it so that only a room's members set its mood and only those in it listen.
    /// </summary>
    ValueTask AuthorizeAsync(ControlSession session, LiveStation station, string method, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Called once when a session has closed.</summary>
    ValueTask OnSessionClosedAsync(ControlSession session) => ValueTask.CompletedTask;
}
