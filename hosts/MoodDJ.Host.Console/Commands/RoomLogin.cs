using System.Text.Json;
using MoodDJ.Client;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Host.Console.Commands;

/// <summary>
/// The room login `mooddj client` saved ($XDG_STATE_HOME/mooddj/room-login.json, readable by the
/// user only: a session token, never the password), so `mooddj player --room R` can listen to a
/// members-only room as that user. Logging in again replaces it.
/// </summary>
internal static class RoomLogin
{
    private sealed record Saved(string User, string Token);

    public static string DefaultPath()
    {
        var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        if (string.IsNullOrWhiteSpace(state)) state = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        return Path.Combine(state, "mooddj", "room-login.json");
    }

    public static void Save(string user, string token, string? path = null)
    {
        path ??= DefaultPath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        JsonSerializer.Serialize(stream, new Saved(user, token));
    }

    private static Saved? Load(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<Saved>(File.ReadAllText(path)) : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Joins <paramref name="room"/> for a player (before it subscribes), so the player hears that room's
    /// station: logged in with the saved login when there is one that still works, else as a visitor;
    /// invisible, so the player makes no join notice and is not listed beside its user. Registered as
    /// resume calls for every connection, so a reconnect keeps it in the room. Returns the role.
    /// </summary>
    public static async Task<string> JoinForPlayerAsync(StationClient client, string room, Action<string> say, CancellationToken ct, string? path = null)
    {
        if (room.Trim().Length == 0 || room.Length > 64) throw new UserFacingException("--room takes a room name of 1 to 64 characters.");
        if (Load(path ?? DefaultPath()) is { Token.Length: > 0 } saved)
        {
            try
            {
                await client.CallAsync(RoomMethods.Login, new { token = saved.Token }, cancellationToken: ct);
                client.SetResumeCall("rooms.login", RoomMethods.Login, new { token = saved.Token }, everyConnection: true);
            }
            catch (JsonRpcException e)
            {
                say($"the saved room login of {saved.User} no longer works ({e.Message}); joining as a visitor (log in again with `mooddj client`, /login).");
            }
        }
        try
        {
            await client.CallAsync(RoomMethods.PresenceSet, new { status = "invisible" }, cancellationToken: ct);
            client.SetResumeCall("rooms.presence", RoomMethods.PresenceSet, new { status = "invisible" }, everyConnection: true);
            var joined = (await client.CallAsync(RoomMethods.RoomJoin, new { room }, cancellationToken: ct)).Deserialize<RoomJoinResult>(JsonRpcWriter.SerializerOptions)!;
            client.SetResumeCall("rooms.join", RoomMethods.RoomJoin, new { room = joined.Room.Name }, everyConnection: true);
            if (!joined.Routed) throw new UserFacingException($"Room '{joined.Room.Name}' has no station of its own on this server (rooms:maxRoomStations).");
            return joined.Role;
        }
        catch (JsonRpcException e)
        {
            throw new UserFacingException($"Cannot listen to room '{room}': {e.Message}");
        }
    }
}
