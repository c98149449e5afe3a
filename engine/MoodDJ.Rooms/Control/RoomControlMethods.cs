using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Rooms.Accounts;
using MoodDJ.Rooms.Chat;
using MoodDJ.Rooms.Stations;
using MoodDJ.Station;
using MoodDJ.Storage;
using static MoodDJ.Rooms.Control.RoomWire;

namespace MoodDJ.Rooms.Control;

/// <summary>
/// Accounts, rooms and chat on the station's control server (docs/protocol.md, "Rooms, accounts and
/// chat"). A session is a visitor until it logs in (with a password, or a token from an earlier
/// login). Messages, join and leave notices go as <c>roomMessage</c> notifications to the other
/// sessions in the room. Refusals become JSON-RPC errors with the rule's own message.
/// A little over 300 lines: every room method reads and writes the same session state and presence,
/// and the hosted-room hooks (<see cref="MessageStored"/>, <see cref="DeliverAsync"/>) share them too.
/// </summary>
public sealed class RoomControlMethods : IControlMethods
{
    private const string ItemKey = "mooddj.rooms";
    private readonly IMoodDJStore _store;
    private readonly ILogger _log;
    private readonly RoomStations? _stations;
    // Rooms a join is starting a station for: not idle, though nobody is in them yet.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, int> _joining = new();
    private readonly IdleStationSweep? _idleSweep;
    private readonly CatchUpNotices _catchUp;

    /// <param name="stations">Each room's own station (null: rooms have chat only, and every session stays on the default station).</param>
    public RoomControlMethods(IMoodDJStore store, RoomsOptions options, ILoggerFactory? loggers = null, TimeProvider? time = null, RoomStations? stations = null)
    {
        loggers ??= NullLoggerFactory.Instance;
        _stations = stations;
        if (stations is not null)
        {
            // Real time, whatever clock the accounts use: it measures music played.
            Meter = new ListeningMeter(store.Listening, loggers.CreateLogger<ListeningMeter>());
            stations.Started += Meter.Attach;
        }
        _store = store;
        _log = loggers.CreateLogger<RoomControlMethods>();
        if (stations is not null && options.IdleStationSeconds > 0)
            _idleSweep = new IdleStationSweep(stations, Occupied, TimeSpan.FromSeconds(options.IdleStationSeconds), _log);
        Accounts = new AccountService(store, options, loggers.CreateLogger<AccountService>(), time);
        Chat = new ChatService(store, options, time);
        Rooms = new RoomService(store, Chat, loggers.CreateLogger<RoomService>());
        _catchUp = new CatchUpNotices(Presence, options.CatchUpLiveMessages, _log);
    }

    public AccountService Accounts { get; }
    public ChatService Chat { get; }
    public RoomService Rooms { get; }
    public RoomPresence Presence { get; } = new();
    public RoomStations? Stations => _stations;
    /// <summary>Listening time on the rooms' stations (null without room stations).</summary>
    public ListeningMeter? Meter { get; }

    /// <summary>Raised for each new message, join and leave stored here by a session (not for synced ones): a hosted room's link pushes them on.</summary>
    public event Action<RoomRecord, ChatMessage>? MessageStored;

    /// <summary>Set by a central server's hosted-room methods: a hosted room's host and whether it is connected (null for the server's own rooms).</summary>
    public Func<RoomRecord, CancellationToken, Task<(string Host, bool Online)?>>? HostedLookup { get; set; }

    /// <summary>Shows one sync batch's new messages from a hosted room's other server to everyone in the room here: one by one, or as a catch-up's roomHistoryGrew.</summary>
    public Task DeliverAsync(RoomRecord room, IReadOnlyList<ChatMessage> stored) => _catchUp.DeliverAsync(room, stored);

    /// <summary>The user the session is logged in as (checked against the store again), or null.</summary>
    public Task<UserRecord?> UserOfAsync(ControlSession session, CancellationToken ct) =>
        session.Items.TryGetValue(ItemKey, out var item) && item is SessionState state ? CurrentAsync(state, ct) : Task.FromResult<UserRecord?>(null);

    /// <summary>Stops every room's station and stores the listening they had (before the store closes at shutdown).</summary>
    public async Task StopStationsAsync()
    {
        // Hosts call this before stopping their control server and again when they close the store.
        if (Interlocked.Exchange(ref _stationsStopped, 1) == 1) return;
        await _catchUp.DisposeAsync().ConfigureAwait(false);
        if (_idleSweep is not null) await _idleSweep.DisposeAsync().ConfigureAwait(false);
        if (_stations is not null) await _stations.StopAllAsync().ConfigureAwait(false);
        if (Meter is not null) await Meter.DisposeAsync().ConfigureAwait(false);
    }

    private int _stationsStopped;

    private sealed class SessionState
    {
        public UserRecord? User;
        public string? Token;
    }

    public bool Handles(string method) => RoomMethods.All.Contains(method);

    public async ValueTask<JsonElement?> HandleAsync(ControlSession session, string method, JsonElement p, CancellationToken ct)
    {
        var state = (SessionState)session.Items.GetOrAdd(ItemKey, _ => new SessionState())!;
        try
        {
            object result = method switch
            {
                RoomMethods.Register => new AccountResult((await Accounts.RegisterAsync(Params.String(p, "user"), Params.String(p, "password"), Address(session), ct)).Name),
                RoomMethods.Login => await LoginAsync(session, state, p, ct),
                RoomMethods.Logout => await LogoutAsync(session, state, ct),
                RoomMethods.RoomCreate => await DtoAsync(await Rooms.CreateAsync(Member(state), Params.String(p, "name"), Params.Bool(p, "allowVisitors") ?? false, ct), ct),
                RoomMethods.RoomList => new RoomListResult(await Task.WhenAll((await Rooms.ListAsync(ct)).Select(r => DtoAsync(r, ct)))),
                RoomMethods.RoomJoin => await JoinAsync(session, state, p, ct),
                RoomMethods.RoomLeave => await LeaveAsync(session, state, await Rooms.GetAsync(Params.String(p, "room"), ct), ct),
                RoomMethods.RoomSay => await SayAsync(session, state, p, ct),
                RoomMethods.RoomHistory => await HistoryAsync(state, p, ct),
                RoomMethods.RoomWho => await WhoAsync(state, p, ct),
                RoomMethods.PresenceSet => await SetPresenceAsync(session, state, Params.Required(p, "status"), ct),
                RoomMethods.RoomSet => await DtoAsync(await Rooms.SetAllowVisitorsAsync(Member(state), Params.String(p, "room"),
                    Params.Bool(p, "allowVisitors") ?? throw new RoomsException(RoomsError.Invalid, "'allowVisitors' is required (true or false)."), ct), ct),
                _ => throw JsonRpcException.MethodNotFound(method),
            };
            return JsonSerializer.SerializeToElement(result, result.GetType(), JsonRpcWriter.SerializerOptions);
        }
        catch (RoomsException e)
        {
            throw new JsonRpcException(Code(e.Error), e.Message,
                e.RetryAfter is { } wait ? JsonSerializer.SerializeToElement(new { retryAfterMs = (long)Math.Ceiling(wait.TotalMilliseconds) }) : null);
        }
        catch (StorageUnavailableException e)
        {
            _log.LogWarning("{Method}: {Message}", method, e.Message);
            throw new JsonRpcException(JsonRpcErrorCodes.Unavailable, e.Message);
        }
    }

    /// <summary>A room's station answers only those in the room, each as far as their role goes (<see cref="RoomStationRules"/>).</summary>
    public ValueTask AuthorizeAsync(ControlSession session, LiveStation station, string method, CancellationToken cancellationToken)
    {
        if (_stations is null || !_stations.TryRoomOf(station, out var room)) return ValueTask.CompletedTask;
        if (RoomStationRules.Refusal(method, Presence.Find(room.Id, session)?.Role, room.Name) is { } refusal)
            throw new JsonRpcException(RoomMethods.Forbidden, refusal);
        return ValueTask.CompletedTask;
    }

    public async ValueTask OnSessionClosedAsync(ControlSession session)
    {
        if (!session.Items.TryGetValue(ItemKey, out var item) || item is not SessionState state) return;
        foreach (var room in await RoomsOfAsync(session).ConfigureAwait(false))
        {
            try
            {
                // Not routed back: the client's listeners keep the room's music while it reconnects.
                await LeaveAsync(session, state, room, CancellationToken.None, closing: true).ConfigureAwait(false);
            }
            catch (Exception e) when (e is StorageUnavailableException or RoomsException)
            {
                _log.LogWarning("Session {Id} left room '{Room}' without a notice: {Message}", session.Id, room.Name, e.Message);
            }
            catch (ObjectDisposedException)
            {
                // The server is stopping and its database already closed: nobody is left to read the notice.
                _log.LogDebug("Session {Id} left room '{Room}' while the server stopped; no notice stored.", session.Id, room.Name);
            }
        }
        Presence.Forget(session);
    }

    private async Task<LoginResultDto> LoginAsync(ControlSession session, SessionState state, JsonElement p, CancellationToken ct)
    {
        if (Params.String(p, "token") is { } token)
        {
            state.User = await Accounts.AuthenticateAsync(token, ct);
            state.Token = token;
            if (StationServer.ClientOf(session) is { } known) Meter?.Attribute(known, state.User.Name);
            return new LoginResultDto(state.User.Name, token, null);
        }
        var login = await Accounts.LoginAsync(Params.String(p, "user"), Params.String(p, "password"), Address(session), ct);
        (state.User, state.Token) = (login.User, login.Token);
        if (StationServer.ClientOf(session) is { } client) Meter?.Attribute(client, login.User.Name);
        return new LoginResultDto(login.User.Name, login.Token, login.ExpiresAt);
    }

    private async Task<object> LogoutAsync(ControlSession session, SessionState state, CancellationToken ct)
    {
        if (state.Token is null) throw new RoomsException(RoomsError.Unauthorized, "This session is not logged in.");
        foreach (var room in await RoomsOfAsync(session)) await LeaveAsync(session, state, room, ct);
        await Accounts.LogoutAsync(state.Token, ct);
        (state.User, state.Token) = (null, null);
        return new { };
    }

    private async Task<RoomJoinResult> JoinAsync(ControlSession session, SessionState state, JsonElement p, CancellationToken ct)
    {
        var user = await CurrentAsync(state, ct);
        var room = await Rooms.GetAsync(Params.String(p, "room"), ct);
        _joining.AddOrUpdate(room.Id, 1, (_, n) => n + 1);
        try
        {
            // The station first (it may be refused: all busy); a visitor where visitors may not come is refused by JoinAsync.
            var station = _stations is not null && (user is not null || room.AllowVisitors)
                ? await _stations.EnsureAsync(room, Occupied, ct) : null;
            var hidden = Presence.StatusOf(session) == PresenceStatus.Invisible;
            var joined = await Rooms.JoinAsync(user, room.Name, ct, announce: !hidden);
            Presence.Enter(joined.Room.Id, new Presence(session, user?.Name ?? $"visitor-{session.Id}", joined.Role));
            var routed = station is not null && _stations!.Server.Route(session, station);
            if (user is not null && StationServer.ClientOf(session) is { } client) Meter?.Attribute(client, user.Name);
            if (joined.Notice is { } notice) await BroadcastAsync(joined.Room, notice, except: session);
            return new RoomJoinResult(await DtoAsync(joined.Room, ct), Role(joined.Role), Who(joined.Room), station?.Id, routed);
        }
        finally
        {
            if (_joining.AddOrUpdate(room.Id, 0, (_, n) => n - 1) <= 0) _joining.TryRemove(new KeyValuePair<long, int>(room.Id, 0));
        }
    }

    private bool Occupied(long roomId) => Presence.Occupied(roomId) || _joining.ContainsKey(roomId);

    /// <summary>One status for all the session's rooms; the others in them hear a roomPresence (an invisible one reads as offline).</summary>
    private async Task<PresenceResult> SetPresenceAsync(ControlSession session, SessionState state, string text, CancellationToken ct)
    {
        if (!Enum.TryParse<PresenceStatus>(text, ignoreCase: true, out var status) || !Enum.IsDefined(status) || text.Any(char.IsDigit))
            throw new RoomsException(RoomsError.Invalid, $"'status' must be online, away or invisible, not '{Clip(text)}'.");
        var old = Presence.SetStatus(session, status);
        if (old != status)
            foreach (var room in await RoomsOfAsync(session))
                if (Presence.Find(room.Id, session) is { } me)
                    await NotifyOthersAsync(room, session, RoomMethods.RoomPresence, new RoomPresenceEvent(room.Name, me.Name, Role(me.Role), StatusName(status)));
        return new PresenceResult(StatusName(status));
    }


    private async Task<object> LeaveAsync(ControlSession session, SessionState state, RoomRecord room, CancellationToken ct, bool closing = false)
    {
        if (!Presence.Leave(room.Id, session)) throw new RoomsException(RoomsError.Invalid, $"This session is not in '{room.Name}'.");
        // Back to the default station: the client's listeners in the room stop, and its player subscribes there again.
        if (!closing && _stations?.Running(room.Id) is { } station && ReferenceEquals(StationServer.StationOf(session), station))
            _stations.Server.Route(session, _stations.Server.Default);
        if (await Rooms.LeaveAsync(state.User, room, ct, announce: Presence.StatusOf(session) != PresenceStatus.Invisible) is { } notice)
            await BroadcastAsync(room, notice, except: session);
        return new { left = room.Name };
    }

    private async Task<RoomSayResult> SayAsync(ControlSession session, SessionState state, JsonElement p, CancellationToken ct)
    {
        var room = await Rooms.GetAsync(Params.String(p, "room"), ct);
        var user = await CurrentAsync(state, ct);
        await Rooms.RequireMemberAsync(user, room, "write", ct);
        var said = await Chat.SayAsync(user!, room, Params.String(p, "text"), Params.String(p, "nonce"), ct, Params.Time(p, "writtenAt"));
        var dto = Dto(said.Message, room);
        if (!said.Duplicate) await BroadcastAsync(room, said.Message, except: session);
        return new RoomSayResult(dto, said.Duplicate);
    }

    private async Task<RoomHistoryResult> HistoryAsync(SessionState state, JsonElement p, CancellationToken ct)
    {
        var room = await ReadableAsync(state, Params.String(p, "room"), ct);
        var page = await Chat.HistoryAsync(room, Params.String(p, "before"), Params.Int(p, "limit"), ct);
        return new RoomHistoryResult(page.Messages.Select(m => Dto(m, room)).ToList(), page.Before);
    }

    private async Task<RoomWhoResult> WhoAsync(SessionState state, JsonElement p, CancellationToken ct)
    {
        var room = await ReadableAsync(state, Params.String(p, "room"), ct);
        return new RoomWhoResult(room.Name, Who(room), _stations?.Running(room.Id)?.Listeners.Count ?? 0);
    }

    /// <summary>History and presence are open to whoever may join: members, and visitors where the owner allows them.</summary>
    private async Task<RoomRecord> ReadableAsync(SessionState state, string? name, CancellationToken ct)
    {
        var room = await Rooms.GetAsync(name, ct);
        if (!room.AllowVisitors && (state.User is null || await _store.Rooms.RoleAsync(room.Id, state.User.Id, ct) == RoomRole.Visitor))
            throw new RoomsException(RoomsError.Forbidden, state.User is null
                ? $"The owner of '{room.Name}' lets only members in; log in to read it."
                : $"Join '{room.Name}' first to read it.");
        return room;
    }

    /// <summary>The session's user, checked again against the store so a revoked or expired token stops working at once.</summary>
    private async Task<UserRecord?> CurrentAsync(SessionState state, CancellationToken ct)
    {
        if (state.Token is null) return null;
        try
        {
            return state.User = await Accounts.AuthenticateAsync(state.Token, ct);
        }
        catch (RoomsException)
        {
            (state.User, state.Token) = (null, null);
            throw;
        }
    }

    private static UserRecord Member(SessionState state) =>
        state.User ?? throw new RoomsException(RoomsError.Unauthorized, "Log in first.");

    private async Task<IReadOnlyList<RoomRecord>> RoomsOfAsync(ControlSession session) =>
        (await _store.Rooms.ListAsync().ConfigureAwait(false)).Where(r => Presence.Contains(r.Id, session)).ToList();

    private Task BroadcastAsync(RoomRecord room, ChatMessage message, ControlSession except)
    {
        MessageStored?.Invoke(room, message);
        return NotifyOthersAsync(room, except, RoomMethods.RoomMessage, Dto(message, room));
    }

    private async Task NotifyOthersAsync(RoomRecord room, ControlSession except, string method, object parameters)
    {
        foreach (var present in Presence.In(room.Id))
            if (present.Session != except)
                await present.Session.NotifyAsync(method, parameters).ConfigureAwait(false);
    }

    private IReadOnlyList<PresenceDto> Who(RoomRecord room) =>
        Presence.Visible(room.Id).Select(p => new PresenceDto(p.Presence.Name, Role(p.Presence.Role), StatusName(p.Status))).ToList();

    internal async Task<RoomDto> DtoAsync(RoomRecord room, CancellationToken ct)
    {
        var owner = await _store.Users.FindAsync(room.OwnerId, ct).ConfigureAwait(false);
        var station = _stations?.Running(room.Id);
        var hosted = HostedLookup is { } lookup ? await lookup(room, ct).ConfigureAwait(false) : null;
        return new RoomDto(room.Name, owner?.Name ?? "", room.AllowVisitors, Presence.Count(room.Id), station?.Listeners.Count ?? 0, station?.Id,
            hosted?.Host, hosted?.Online);
    }
}
