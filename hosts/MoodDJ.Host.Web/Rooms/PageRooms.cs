using System.Text.Json;
using MoodDJ.Client;
using MoodDJ.Host.Web.Live;
using MoodDJ.Host.Web.Stations;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Host.Web.Rooms;

/// <summary>
/// One page's rooms, accounts and chat (docs/web.md, "Rooms and chat"): the page's own control
/// client of the station, made on its first room command (<see cref="IStationLink.NewClient"/>, as
/// the talk button's is), so each page is its own session there: its own login, its own rooms, its
/// own room station. Room commands pass through as the room methods with only their own parameters;
/// the answer goes back to the asking page with the request's number, and roomMessage,
/// roomHistoryGrew and roomPresence notifications go to the page as they arrive. As in `mooddj client`, the login (by
/// token), the status and the room are replayed on every reconnect of the control client.
/// Passwords pass through to the station and are never kept or logged here.
/// </summary>
public sealed class PageRooms(IStationLink link, PageConnection page) : IAsyncDisposable
{
    private const string LoginKey = "rooms.login", JoinKey = "rooms.join", PresenceKey = "rooms.presence";
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private StationControlClient? _client;

    /// <summary>The room this page is in (null: the house station).</summary>
    public string? Room { get; private set; }

    /// <summary>The page's control client, routed to <see cref="Room"/>'s station while it is in one (null before the first room command).</summary>
    public StationControlClient? Client => _client;

    /// <summary>Page commands of type <c>room</c>: <c>op</c> names the action, <c>req</c> numbers it for the reply.</summary>
    public async Task HandleAsync(JsonElement root, CancellationToken ct)
    {
        var op = root.TryGetProperty("op", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString()! : "";
        var req = root.TryGetProperty("req", out var r) && r.ValueKind == JsonValueKind.Number && r.TryGetInt64(out var n) ? n : 0;
        try
        {
            var (method, keys) = Operation(op);
            var parameters = new Dictionary<string, JsonElement>();
            foreach (var key in keys)
                if (root.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null) parameters[key] = value.Clone();
            var client = await ClientAsync(ct);
            var result = await client.Connection.CallAsync(method, parameters, cancellationToken: ct);
            After(op, client, parameters, result);
            page.Send(new { type = "roomReply", req, op, ok = true, result });
            if (op == "join") await SendRoomStationAsync(client, ct);
        }
        catch (PageCommandException e)
        {
            page.Send(new { type = "roomReply", req, op, ok = false, error = new { message = $"'{op}': {e.Message}." } });
        }
        catch (JsonRpcException e)
        {
            long? retry = e.ErrorData is { ValueKind: JsonValueKind.Object } data && data.TryGetProperty("retryAfterMs", out var ms) && ms.TryGetInt64(out var wait) ? wait : null;
            page.Send(new { type = "roomReply", req, op, ok = false, error = new { code = e.Code, message = e.Message, retryAfterMs = retry } });
        }
        catch (Exception e) when (e is TimeoutException or IOException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            // The station is away (or the answer was lost): the page keeps a message in its outbox and resends it with the same nonce.
            page.Send(new { type = "roomReply", req, op, ok = false, error = new { offline = true, message = $"'{op}' did not reach the station: {e.Message}" } });
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Anything else (a station with another key, say) is this command's failure, not the page's connection's.
            page.Send(new { type = "roomReply", req, op, ok = false, error = new { message = $"'{op}' failed: {e.Message}" } });
        }
    }

    private static (string Method, string[] Keys) Operation(string op) => op switch
    {
        "register" => (RoomMethods.Register, ["user", "password"]),
        "login" => (RoomMethods.Login, ["user", "password", "token"]),
        "logout" => (RoomMethods.Logout, []),
        "list" => (RoomMethods.RoomList, []),
        "create" => (RoomMethods.RoomCreate, ["name", "allowVisitors"]),
        "join" => (RoomMethods.RoomJoin, ["room"]),
        "leave" => (RoomMethods.RoomLeave, ["room"]),
        "say" => (RoomMethods.RoomSay, ["room", "text", "nonce", "writtenAt"]),
        "history" => (RoomMethods.RoomHistory, ["room", "before", "limit"]),
        "who" => (RoomMethods.RoomWho, ["room"]),
        "presence" => (RoomMethods.PresenceSet, ["status"]),
        _ => throw new PageCommandException("unknown room command; 'op' is register, login, logout, list, create, join, leave, say, history, who or presence"),
    };

    // What a reconnect must replay, kept in the order the server needs: login, status, then the room.
    private void After(string op, StationControlClient client, Dictionary<string, JsonElement> parameters, JsonElement result)
    {
        var connection = client.Connection;
        switch (op)
        {
            case "login" when result.TryGetProperty("token", out var token):
                connection.SetResumeCall(LoginKey, RoomMethods.Login, new { token = token.GetString() }, everyConnection: true);
                break;
            case "logout":
                connection.RemoveResumeCall(LoginKey);
                connection.RemoveResumeCall(JoinKey);
                Room = null;
                break;
            case "presence":
                connection.SetResumeCall(PresenceKey, RoomMethods.PresenceSet, new { status = parameters["status"].GetString() }, everyConnection: true);
                if (Room is not null)
                {
                    connection.RemoveResumeCall(JoinKey);
                    connection.SetResumeCall(JoinKey, RoomMethods.RoomJoin, new { room = Room }, everyConnection: true);
                }
                break;
            case "join":
                Room = result.GetProperty("room").GetProperty("name").GetString();
                connection.SetResumeCall(JoinKey, RoomMethods.RoomJoin, new { room = Room }, everyConnection: true);
                break;
            case "leave":
                connection.RemoveResumeCall(JoinKey);
                Room = null;
                break;
        }
    }

    private async Task<StationControlClient> ClientAsync(CancellationToken ct)
    {
        if (_client is not null) return _client;
        await _connecting.WaitAsync(ct);
        try
        {
            if (_client is not null) return _client;
            var client = link.NewClient("web page");
            client.Connection.NotificationReceived += Forward;
            client.NowPlayingChanged += now => { if (Room is not null) page.Send(new { type = "nowPlaying", scope = "room", room = Room, nowPlaying = now }); };
            client.Connection.StateChanged += (state, reason) => page.Send(new { type = "roomLink", state = state.ToString(), reason });
            try
            {
                await client.ConnectAsync(ct);
            }
            catch
            {
                await client.DisposeAsync();
                throw;
            }
            return _client = client;
        }
        finally
        {
            _connecting.Release();
        }
    }

    private void Forward(StationNotification notification)
    {
        if (notification.Method == RoomMethods.RoomMessage) page.Send(new { type = "roomMessage", message = notification.Params });
        else if (notification.Method == RoomMethods.RoomHistoryGrew) page.Send(new { type = "roomHistoryGrew", grew = notification.Params });
        else if (notification.Method == RoomMethods.RoomPresence) page.Send(new { type = "roomPresence", presence = notification.Params });
    }

    // After a join the page's session plays the room's own station: the page shows its music, not the house's.
    private async Task SendRoomStationAsync(StationControlClient client, CancellationToken ct)
    {
        try
        {
            var status = await client.StatusAsync(ct);
            page.Send(new { type = "nowPlaying", scope = "room", room = Room, nowPlaying = status.NowPlaying });
            page.Send(new { type = "list", scope = "room", room = Room, list = await client.ListAsync(ct) });
        }
        catch (Exception e) when (e is TimeoutException or IOException or JsonRpcException)
        {
            page.Send(new { type = "error", message = $"The room's station did not answer: {e.Message}" });
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null) await _client.DisposeAsync();
        _connecting.Dispose();
    }
}
