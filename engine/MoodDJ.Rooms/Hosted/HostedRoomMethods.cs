using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Rooms.Control;
using MoodDJ.Station;
using MoodDJ.Storage;

namespace MoodDJ.Rooms.Hosted;

/// <summary>
/// The central server's side of rooms hosted by their users (docs/protocol.md, "Rooms hosted by their
/// users"): a hosting server's link, logged in as a room's owner, registers the room (it is then listed
/// here, marked with its host and whether the host is connected), pushes the messages written there and
/// pulls those written here. The central copy stays readable and writable while its host is away; both
/// sides store by message id, so after a split each ends with the union, in id (time) order.
/// </summary>
public sealed class HostedRoomMethods : IControlMethods
{
    private const string ItemKey = "mooddj.hosted";
    private readonly IMoodDJStore _store;
    private readonly RoomsOptions _options;
    private readonly RoomControlMethods _rooms;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    // The connection each hosted room's host is linked by now: its presence is the room's "online".
    private readonly ConcurrentDictionary<long, ControlSession> _links = new();

    public HostedRoomMethods(IMoodDJStore store, RoomsOptions options, RoomControlMethods rooms, ILogger? log = null, TimeProvider? time = null)
    {
        _store = store;
        _options = options;
        _rooms = rooms;
        _log = log ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        rooms.HostedLookup = LookupAsync;
        rooms.MessageStored += OnStoredHere;
    }

    /// <summary>Whether the host of the room with this id is connected now.</summary>
    public bool IsOnline(long roomId) => _links.ContainsKey(roomId);

    public bool Handles(string method) => HostedMethods.All.Contains(method);

    public async ValueTask<JsonElement?> HandleAsync(ControlSession session, string method, JsonElement p, CancellationToken ct)
    {
        try
        {
            object result = method switch
            {
                HostedMethods.Register => await RegisterAsync(session, p, ct),
                HostedMethods.Push => await PushAsync(session, p, ct),
                HostedMethods.Pull => await PullAsync(session, p, ct),
                _ => throw JsonRpcException.MethodNotFound(method),
            };
            return JsonSerializer.SerializeToElement(result, result.GetType(), JsonRpcWriter.SerializerOptions);
        }
        catch (RoomsException e)
        {
            _log.LogInformation("{Method} from {Address} refused: {Message}", method, RoomWire.Address(session), e.Message);
            throw new JsonRpcException(RoomWire.Code(e.Error), e.Message);
        }
        catch (StorageUnavailableException e)
        {
            _log.LogWarning("{Method}: {Message}", method, e.Message);
            throw new JsonRpcException(JsonRpcErrorCodes.Unavailable, e.Message);
        }
    }

    public ValueTask OnSessionClosedAsync(ControlSession session)
    {
        foreach (var link in _links)
            if (link.Value == session && _links.TryRemove(link))
                _log.LogInformation("The host of hosted room #{Room} went offline ({Reason}).", link.Key, session.CloseReason);
        return ValueTask.CompletedTask;
    }

    private async Task<HostedRegisterResult> RegisterAsync(ControlSession session, JsonElement p, CancellationToken ct)
    {
        var user = await _rooms.UserOfAsync(session, ct)
            ?? throw new RoomsException(RoomsError.Unauthorized, "Log in first, as the room's owner: a host registers only its owner's rooms.");
        if (_options.MaxHostedRoomsPerUser == 0)
            throw new RoomsException(RoomsError.Forbidden, "This server lists no hosted rooms (rooms:maxHostedRoomsPerUser is 0).");
        var name = NameRules.Room(Params.String(p, "room"));
        var owner = Params.Required(p, "owner");
        if (!string.Equals(owner, user.Name, StringComparison.OrdinalIgnoreCase))
            throw new RoomsException(RoomsError.Forbidden, $"The room's owner is given as '{RoomWire.Clip(owner)}' but this connection is logged in as '{user.Name}'; log in as the owner.");
        var endPoint = Params.Required(p, "endPoint");
        try
        {
            if (endPoint.Length > 255) throw new ArgumentException("'endPoint' is over 255 characters.");
            CentralOptions.EndPoint(endPoint, "'endPoint'");
        }
        catch (ArgumentException e)
        {
            throw new RoomsException(RoomsError.Invalid, e.Message);
        }
        var node = Params.Int(p, "node") ?? throw new RoomsException(RoomsError.Invalid, "'node' is required: the host's Snowflake node (rooms:node).");
        if (node is < 0 or > SnowflakeIds.MaxNode) throw new RoomsException(RoomsError.Invalid, $"'node' is {node}; a Snowflake node is 0 to {SnowflakeIds.MaxNode}.");
        if (node == _options.Node)
            throw new RoomsException(RoomsError.Invalid,
                $"The host's Snowflake node {node} is this server's own (rooms:node); set rooms:node on the host to another so message ids cannot collide.");
        var registration = await _store.Hosted.RegisterAsync(name, user.Id, Params.Bool(p, "allowVisitors") ?? false, endPoint, node,
            _options.MaxHostedRoomsPerUser, ct);
        var room = registration.Outcome switch
        {
            HostedRegistrationOutcome.Registered or HostedRegistrationOutcome.Updated => registration.Room!,
            HostedRegistrationOutcome.OwnedByAnother => throw new RoomsException(RoomsError.Forbidden, $"The room '{name}' here belongs to another user; a host registers only its owner's rooms."),
            HostedRegistrationOutcome.NotHosted => throw new RoomsException(RoomsError.Taken, $"'{name}' is a room of this server, not a hosted one; give the hosted room another name."),
            _ => throw new RoomsException(RoomsError.Forbidden, $"'{user.Name}' already hosts {_options.MaxHostedRoomsPerUser} rooms here (rooms:maxHostedRoomsPerUser)."),
        };
        Linked(session)[room.Id] = node;
        if (_links.TryGetValue(room.Id, out var older) && older != session) older.Close($"hosted room '{room.Name}' registered again from another connection");
        _links[room.Id] = session;
        await _store.Events.AppendAsync(EventKinds.RoomHosted, room.Name, user.Name, $"{registration.Outcome.ToString().ToLowerInvariant()}, host {endPoint}, node {node}", ct);
        _log.LogInformation("Hosted room '{Room}' of '{User}' {Outcome} (host {EndPoint}).", room.Name, user.Name, registration.Outcome, endPoint);
        return new HostedRegisterResult(await _rooms.DtoAsync(room, ct), _options.SyncBatch, (long)_options.NonceWindow.TotalMilliseconds, _options.Node);
    }

    private async Task<HostedPushResult> PushAsync(ControlSession session, JsonElement p, CancellationToken ct)
    {
        var (room, node) = await RegisteredAsync(session, p, ct);
        var dtos = SyncWire.Read(p, _options.SyncBatch);
        var now = _time.GetUtcNow();
        var messages = dtos.Select((d, i) => SyncWire.Parse(d, i, room, node, ofNode: true, _options.MaxMessageLength, now)).ToList();
        var stored = messages.Count == 0 ? [] : await _store.Messages.ImportAsync(messages, ct);
        await _rooms.DeliverAsync(room, stored);
        await _store.Hosted.SeenAsync(room.Id, now, ct);
        return new HostedPushResult(stored.Count, messages.Count - stored.Count, SyncWire.Id(messages.Count == 0 ? 0 : messages.Max(m => m.Id)));
    }

    private async Task<HostedPullResult> PullAsync(ControlSession session, JsonElement p, CancellationToken ct)
    {
        var (room, node) = await RegisteredAsync(session, p, ct);
        var afterText = Params.String(p, "after") ?? "0";
        if (!long.TryParse(afterText, NumberStyles.None, CultureInfo.InvariantCulture, out var after))
            throw new RoomsException(RoomsError.Invalid, $"'after' is '{RoomWire.Clip(afterText)}'; give a message id (a string of digits), or \"0\" for the start.");
        var limit = Params.Int(p, "limit") ?? _options.SyncBatch;
        if (limit < 1 || limit > _options.SyncBatch)
            throw new RoomsException(RoomsError.Invalid, $"'limit' is {limit}; ask for 1 to {_options.SyncBatch} messages (rooms:syncBatch).");
        var rows = await _store.Messages.SinceAsync(room.Id, after, node, ofNode: false, limit + 1, ct);
        return new HostedPullResult(rows.Take(limit).Select(m => SyncWire.Dto(m, room)).ToList(), rows.Count > limit);
    }

    /// <summary>The room named in <paramref name="p"/>, which this connection must have registered, and its host's node.</summary>
    private async Task<(RoomRecord Room, int Node)> RegisteredAsync(ControlSession session, JsonElement p, CancellationToken ct)
    {
        var room = await _rooms.Rooms.GetAsync(Params.String(p, "room"), ct);
        if (!Linked(session).TryGetValue(room.Id, out var node))
            throw new RoomsException(RoomsError.Forbidden, $"This connection has not registered '{room.Name}'; call hostedRegister first, as its owner.");
        // A revoked token or a room that changed hands ends the link's rights at once.
        var user = await _rooms.UserOfAsync(session, ct);
        if (user is null || user.Id != room.OwnerId)
            throw new RoomsException(RoomsError.Forbidden, $"Only the owner of '{room.Name}' syncs it; log in again as the owner.");
        return (room, node);
    }

    private static ConcurrentDictionary<long, int> Linked(ControlSession session) =>
        (ConcurrentDictionary<long, int>)session.Items.GetOrAdd(ItemKey, _ => new ConcurrentDictionary<long, int>())!;

    /// <summary>A message written here in a hosted room goes to its host at once, if connected (else the host pulls it when it comes back).</summary>
    private void OnStoredHere(RoomRecord room, ChatMessage message)
    {
        if (!_links.TryGetValue(room.Id, out var link)) return;
        _ = link.NotifyAsync(HostedMethods.Messages, new HostedMessagesEvent(room.Name, [SyncWire.Dto(message, room)])).AsTask();
    }

    private async Task<(string Host, bool Online)?> LookupAsync(RoomRecord room, CancellationToken ct) =>
        await _store.Hosted.FindAsync(room.Id, ct).ConfigureAwait(false) is { } hosted ? (hosted.HostEndPoint, IsOnline(room.Id)) : null;
}
