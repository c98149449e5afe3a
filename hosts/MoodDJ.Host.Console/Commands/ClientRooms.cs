using System.Globalization;
using System.Text.Json;
using MoodDJ.Client;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Rooms.Outbox;
using Spectre.Console;

namespace MoodDJ.Host.Console.Commands;

/// <summary>
/// The room commands of `mooddj client`: /register, /login, /rooms, /create, /join, /leave, /say,
/// /who, /history, /online, /away, /invisible; and the room's messages as they arrive. After every
/// reconnect, resumed or not, the client logs in again with its token, sets its status and rejoins
/// its room (resume calls replayed on every connection: the server keeps these per connection). A /say while the station is away goes
/// to the outbox ($XDG_STATE_HOME/mooddj/outbox.jsonl) and is sent, in order and once, when the
/// client is connected, logged in and in a room again.
/// </summary>
internal sealed class ClientRooms(StationClient connection, Action<string> print, string? outboxPath = null, string? loginPath = null)
{
    private readonly string? _loginPath = loginPath;
    private readonly ChatOutbox _outbox = new(outboxPath ?? DefaultOutbox());
    private int _flushing;

    public const string Help = "rooms: /register <user> <password>  /login <user> <password>  /rooms  /create <room> [visitors]  " +
                               "/join <room>  /leave  /say <text>  /who  /history [n]  /online  /away  /invisible";
    private static readonly JsonSerializerOptions Json = JsonRpcWriter.SerializerOptions;
    private string? _room;
    private string? _user;

    public void Attach()
    {
        connection.NotificationReceived += n =>
        {
            if (n.Method == RoomMethods.RoomMessage && n.Params.Deserialize<ChatMessageDto>(Json) is { } m) print(Line(m));
            // A catch-up from a hosted room's other server: one line, not thousands (/history shows them).
            if (n.Method == RoomMethods.RoomHistoryGrew && n.Params.Deserialize<RoomHistoryGrewEvent>(Json) is { } g)
                print($"[grey]{Markup.Escape(g.Room)}: history grew by {g.Added} message{(g.Added == 1 ? "" : "s")} (/history shows the latest)[/]");
            if (n.Method == RoomMethods.RoomPresence && n.Params.Deserialize<RoomPresenceEvent>(Json) is { } p)
                print($"[grey]{Markup.Escape(p.Room)}: {Markup.Escape(p.Name)} is {Markup.Escape(p.Status)}[/]");
        };
        // Back after a reconnect (its resume calls logged in and rejoined): send what waited.
        connection.StateChanged += (state, reason) =>
        {
            if (state == StationClientState.Connected && _room is not null) _ = FlushOutboxAsync(CancellationToken.None);
        };
    }

    private static string DefaultOutbox()
    {
        var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        if (string.IsNullOrWhiteSpace(state)) state = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        return Path.Combine(state, "mooddj", "outbox.jsonl");
    }

    private async Task FlushOutboxAsync(CancellationToken ct)
    {
        if (_outbox.Count == 0 || Interlocked.Exchange(ref _flushing, 1) == 1) return;
        try
        {
            var sent = await _outbox.FlushAsync(async (e, token) =>
                print(Line((await CallAsync<RoomSayResult>(RoomMethods.RoomSay, new { room = e.Room, text = e.Text, nonce = e.Nonce, writtenAt = e.WrittenAt }, token)).Message)), ct);
            print($"[grey]outbox: {sent} message(s) sent[/]");
        }
        catch (Exception e) when (e is JsonRpcException or TimeoutException or StationConnectionLostException)
        {
            print($"[yellow]outbox: {_outbox.Count} message(s) still waiting ({Markup.Escape(e.Message)})[/]");
        }
        finally
        {
            Volatile.Write(ref _flushing, 0);
        }
    }

    private async Task SayOrQueueAsync(string text, CancellationToken ct)
    {
        var room = RequireRoom();
        var nonce = Guid.NewGuid().ToString("N");
        if (connection.IsConnected && _outbox.Count == 0)
        {
            try
            {
                print(Line((await CallAsync<RoomSayResult>(RoomMethods.RoomSay, new { room, text, nonce }, ct)).Message));
                return;
            }
            catch (Exception e) when (e is TimeoutException or StationConnectionLostException)
            {
                // The reply was lost: it may have been stored. The same nonce makes the resend a repeat if so.
            }
        }
        _outbox.Add(room, text, nonce);
        print($"[grey]offline: kept in the outbox ({_outbox.Count} waiting), sent when the station is back[/]");
        if (connection.IsConnected) await FlushOutboxAsync(ct);
    }

    /// <summary>Runs a room command; false when <paramref name="verb"/> is not one.</summary>
    public async Task<bool> TryExecuteAsync(string verb, string argument, CancellationToken ct)
    {
        var words = argument.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        switch (verb)
        {
            case "/register" or "/login" when words.Length < 2:
                print($"[yellow]{verb} needs a user name and a password, e.g. {verb} alice 'a long password'[/]");
                break;
            case "/register":
                await CallAsync(RoomMethods.Register, new { user = words[0], password = words[1] }, ct);
                print($"[green]registered[/] {Markup.Escape(words[0])}; now /login {Markup.Escape(words[0])} <password>");
                break;
            case "/login":
                var login = await CallAsync<LoginResultDto>(RoomMethods.Login, new { user = words[0], password = words[1] }, ct);
                _user = login.User;
                connection.SetResumeCall("rooms.login", RoomMethods.Login, new { token = login.Token }, everyConnection: true);
                RoomLogin.Save(login.User, login.Token, _loginPath); // for `mooddj player --room R`
                print($"[green]logged in[/] as {Markup.Escape(login.User)} (session until {login.ExpiresAt:yyyy-MM-dd HH:mm} UTC)");
                break;
            case "/rooms":
                var list = await CallAsync<RoomListResult>(RoomMethods.RoomList, null, ct);
                if (list.Rooms.Count == 0) print("[grey]no rooms yet; /create one[/]");
                foreach (var r in list.Rooms)
                    print($"{Markup.Escape(r.Name)} [grey](owner {Markup.Escape(r.Owner)}, {r.Online} online, {r.Listeners} listening{(r.AllowVisitors ? ", visitors welcome" : ", members only")}{(r.Host is { } host ? $", hosted at {Markup.Escape(host)}, {(r.HostOnline == true ? "online" : "offline")}" : "")})[/]");
                break;
            case "/create" when argument.Length == 0:
                print("[yellow]/create needs a room name, e.g. /create lounge visitors[/]");
                break;
            case "/create":
                var visitors = argument.EndsWith(" visitors", StringComparison.OrdinalIgnoreCase);
                var name = visitors ? argument[..^" visitors".Length].Trim() : argument;
                var created = await CallAsync<RoomDto>(RoomMethods.RoomCreate, new { name, allowVisitors = visitors }, ct);
                print($"[green]created[/] {Markup.Escape(created.Name)}; /join {Markup.Escape(created.Name)}");
                break;
            case "/join" when argument.Length == 0:
                print("[yellow]/join needs a room name (/rooms lists them)[/]");
                break;
            case "/join":
                if (_room is not null) await LeaveAsync(ct);
                var joined = await CallAsync<RoomJoinResult>(RoomMethods.RoomJoin, new { room = argument }, ct);
                _room = joined.Room.Name;
                connection.SetResumeCall("rooms.join", RoomMethods.RoomJoin, new { room = _room }, everyConnection: true);
                print($"[green]in {Markup.Escape(_room)}[/] as {joined.Role}; here: {Markup.Escape(string.Join(", ", joined.Online.Select(p => p.Name)))}" +
                      (joined.Routed ? $"; the room's own music plays here ({(joined.Role == "visitor" ? "visitors listen" : "type how you feel to set its mood, /skip")})" : ""));
                await HistoryAsync(10, ct);
                await FlushOutboxAsync(ct);
                break;
            case "/leave":
                await LeaveAsync(ct);
                break;
            case "/say" when argument.Length == 0:
                print("[yellow]/say needs words[/]");
                break;
            case "/say":
                await SayOrQueueAsync(argument, ct);
                break;
            case "/who":
                var who = await CallAsync<RoomWhoResult>(RoomMethods.RoomWho, new { room = RequireRoom() }, ct);
                print($"in {Markup.Escape(who.Room)} ({who.Listeners} listening): " +
                      Markup.Escape(string.Join(", ", who.Online.Select(p => $"{p.Name} ({p.Role}{(p.Status == "away" ? ", away" : "")})"))));
                break;
            case "/online" or "/away" or "/invisible":
                var status = verb[1..];
                var shown = await CallAsync<PresenceResult>(RoomMethods.PresenceSet, new { status }, ct);
                connection.SetResumeCall("rooms.presence", RoomMethods.PresenceSet, new { status }, everyConnection: true);
                if (_room is not null)
                {
                    // Replayed after the status, so an invisible user rejoins without a join notice.
                    connection.RemoveResumeCall("rooms.join");
                    connection.SetResumeCall("rooms.join", RoomMethods.RoomJoin, new { room = _room }, everyConnection: true);
                }
                print($"[grey]you are {status} (others see: {Markup.Escape(shown.Status)})[/]");
                break;
            case "/history":
                await HistoryAsync(int.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 1, 100) : 20, ct);
                break;
            default:
                return false;
        }
        return true;
    }

    private async Task HistoryAsync(int limit, CancellationToken ct)
    {
        var page = await CallAsync<RoomHistoryResult>(RoomMethods.RoomHistory, new { room = RequireRoom(), limit }, ct);
        foreach (var m in page.Messages) print(Line(m));
        if (page.Before is not null) print($"[grey](older messages: /history {Math.Min(100, limit * 2)})[/]");
    }

    private async Task LeaveAsync(CancellationToken ct)
    {
        var room = RequireRoom();
        await CallAsync(RoomMethods.RoomLeave, new { room }, ct);
        connection.RemoveResumeCall("rooms.join");
        _room = null;
        print($"[grey]left {Markup.Escape(room)}[/]");
    }

    private string RequireRoom() => _room ?? throw new JsonRpcException(JsonRpcErrorCodes.InvalidParams, "Join a room first (/rooms, /join <room>).");

    private string Line(ChatMessageDto m)
    {
        var at = m.At.ToLocalTime().ToString("HH:mm", CultureInfo.InvariantCulture);
        if (m.Kind != "text") return $"[grey]{at} {Markup.Escape(m.Room)}: {Markup.Escape(m.Text)}[/]";
        var mine = _user is not null && m.Mentions.Contains(_user, StringComparer.OrdinalIgnoreCase);
        var text = Markup.Escape(m.Text);
        return $"{at} [blue]{Markup.Escape(m.Room)}[/] [bold]{Markup.Escape(m.Author)}[/]: {(mine ? $"[yellow]{text}[/]" : text)}";
    }

    private Task<JsonElement> CallAsync(string method, object? parameters, CancellationToken ct) => connection.CallAsync(method, parameters, cancellationToken: ct);

    private async Task<T> CallAsync<T>(string method, object? parameters, CancellationToken ct) =>
        (await CallAsync(method, parameters, ct)).Deserialize<T>(Json) ?? throw new JsonRpcException(JsonRpcErrorCodes.InternalError, $"'{method}' answered nothing.");
}
