using System.Text.Json;
using Microsoft.Extensions.Logging;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Rooms.Control;
using MoodDJ.Storage;

namespace MoodDJ.Rooms.Hosted;

/// <summary>Sends one JSON-RPC call to the central server and returns its result.</summary>
internal delegate Task<JsonElement> CentralCall(string method, object parameters, CancellationToken cancellationToken);

/// <summary>
/// One connection's worth of syncing a hosting server's rooms with the central server. On connect
/// each room is reconciled: its own messages (its Snowflake node's) after the push cursor, and the
/// central server's after the pull cursor, each looked at again from a lookback before the cursor (a
/// message sent later from an outbox is backdated by up to the nonce window, so it may sort before
/// the cursor). Then single messages follow as they are written, in both directions. Both sides store
/// by id and skip ids they hold, so going over a message twice is harmless and the cursors (kept in
/// this server's storage) only bound the work.
/// </summary>
internal sealed class HostedRoomSync(IMoodDJStore store, RoomsOptions options, RoomControlMethods rooms, CentralCall call, ILogger log)
{
    private readonly Dictionary<string, (RoomRecord Room, HostedRegisterResult Central)> _registered = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<long> _notHosted = [];

    public IEnumerable<RoomRecord> Rooms => _registered.Values.Select(r => r.Room);

    /// <summary>This server's rooms that <c>rooms:central</c> lists: those its user owns here, narrowed to <c>rooms:central:rooms</c> when given.</summary>
    public async Task<IReadOnlyList<RoomRecord>> HostedRoomsAsync(CancellationToken ct)
    {
        var central = options.Central;
        var owner = await store.Users.FindAsync(central.User, ct).ConfigureAwait(false);
        if (owner is null)
        {
            log.LogWarning("rooms:central:user '{User}' has no account on this server, so it owns no rooms here to host.", central.User);
            return [];
        }
        var all = (await store.Rooms.ListAsync(ct).ConfigureAwait(false)).Where(r => r.OwnerId == owner.Id).ToList();
        if (central.Rooms.Count == 0) return all;
        foreach (var missing in central.Rooms.Where(n => !all.Any(r => string.Equals(r.Name, n.Trim(), StringComparison.OrdinalIgnoreCase))))
            log.LogWarning("rooms:central:rooms names '{Room}', which is not a room '{User}' owns on this server; it is not hosted.", missing, central.User);
        return all.Where(r => central.Rooms.Any(n => string.Equals(r.Name, n.Trim(), StringComparison.OrdinalIgnoreCase))).ToList();
    }

    /// <summary>Whether <paramref name="room"/> (e.g. one created after the link connected) is one to host.</summary>
    public async Task<bool> ShouldHostAsync(RoomRecord room, CancellationToken ct)
    {
        if (_notHosted.Contains(room.Id)) return false;
        if ((await HostedRoomsAsync(ct).ConfigureAwait(false)).Any(r => r.Id == room.Id)) return true;
        _notHosted.Add(room.Id); // owners do not change, so the answer holds for this connection
        return false;
    }

    public async Task<HostedRegisterResult> RegisterAsync(RoomRecord room, string endPoint, CancellationToken ct)
    {
        var result = await call(HostedMethods.Register, new
        {
            room = room.Name,
            owner = options.Central.User,
            endPoint,
            node = options.Node,
            allowVisitors = room.AllowVisitors,
        }, ct).ConfigureAwait(false);
        var central = result.Deserialize<HostedRegisterResult>(JsonRpcWriter.SerializerOptions)!;
        _registered[room.Name] = (room, central);
        return central;
    }

    private int Batch(HostedRegisterResult central) => Math.Clamp(Math.Min(options.SyncBatch, central.SyncBatch), 1, 1000);

    /// <summary>Pushes what the central copy may lack, then pulls what was written there; returns (pushed, pulled) counts newly stored on the other side and here.</summary>
    public async Task<(int Pushed, int Pulled)> ReconcileAsync(RoomRecord room, CancellationToken ct)
    {
        var central = _registered[room.Name].Central;
        var batch = Batch(central);
        var cursor = await store.Hosted.CursorAsync(room.Id, ct).ConfigureAwait(false);
        var pushed = 0;
        for (var after = SyncWire.Back(cursor.PushedThrough, options.NonceWindow); ;)
        {
            var mine = await store.Messages.SinceAsync(room.Id, after, options.Node, ofNode: true, batch, ct).ConfigureAwait(false);
            if (mine.Count == 0) break;
            pushed += await PushAsync(room, mine, ct).ConfigureAwait(false);
            after = mine[^1].Id;
            if (mine.Count < batch) break;
        }
        var pulled = 0;
        for (var after = SyncWire.Back(cursor.PulledThrough, TimeSpan.FromMilliseconds(central.LookbackMs)); ;)
        {
            var page = (await call(HostedMethods.Pull, new { room = room.Name, after = SyncWire.Id(after), limit = batch }, ct).ConfigureAwait(false))
                .Deserialize<HostedPullResult>(JsonRpcWriter.SerializerOptions)!;
            if (page.Messages.Count > batch)
                throw new InvalidDataException($"The central server sent {page.Messages.Count} messages for a pull of at most {batch}.");
            pulled += await StoreFromCentralAsync(room, page.Messages, ct).ConfigureAwait(false);
            if (page.Messages.Count == 0 || !page.More) break;
            after = long.Parse(page.Messages[^1].Id, System.Globalization.CultureInfo.InvariantCulture);
        }
        return (pushed, pulled);
    }

    /// <summary>Sends messages written here (in id order, at most one batch); moves the push cursor to the last once acknowledged.</summary>
    public async Task<int> PushAsync(RoomRecord room, IReadOnlyList<ChatMessage> messages, CancellationToken ct)
    {
        var result = (await call(HostedMethods.Push, new { room = room.Name, messages = messages.Select(m => SyncWire.Dto(m, room)).ToList() }, ct)
            .ConfigureAwait(false)).Deserialize<HostedPushResult>(JsonRpcWriter.SerializerOptions)!;
        await store.Hosted.SaveCursorAsync(new SyncCursor(room.Id, messages.Max(m => m.Id), 0), ct).ConfigureAwait(false);
        return result.Stored;
    }

    /// <summary>A <c>hostedMessages</c> notification: messages just written at the central copy.</summary>
    public async Task OnCentralMessagesAsync(JsonElement parameters, CancellationToken ct)
    {
        var e = parameters.Deserialize<HostedMessagesEvent>(JsonRpcWriter.SerializerOptions);
        if (e is null || !_registered.TryGetValue(e.Room ?? "", out var entry))
        {
            log.LogWarning("The central server sent hostedMessages for '{Room}', which this link did not register; ignored.", e?.Room);
            return;
        }
        await StoreFromCentralAsync(entry.Room, e.Messages ?? [], ct).ConfigureAwait(false);
    }

    /// <summary>Checks the central server's messages as strictly as it checks ours, stores the new ones, shows them to the room here, and moves the pull cursor.</summary>
    private async Task<int> StoreFromCentralAsync(RoomRecord room, IReadOnlyList<ChatMessageDto> dtos, CancellationToken ct)
    {
        if (dtos.Count == 0) return 0;
        var now = DateTimeOffset.UtcNow;
        // The central server's limit may be larger than ours; a message it accepted is kept whole.
        var messages = dtos.Select((d, i) => SyncWire.Parse(d, i, room, options.Node, ofNode: false, 16_000, now)).ToList();
        var stored = await store.Messages.ImportAsync(messages, ct).ConfigureAwait(false);
        await rooms.DeliverAsync(room, stored).ConfigureAwait(false);
        await store.Hosted.SaveCursorAsync(new SyncCursor(room.Id, 0, messages.Max(m => m.Id)), ct).ConfigureAwait(false);
        return stored.Count;
    }

    public int BatchFor(RoomRecord room) => Batch(_registered[room.Name].Central);

    public bool IsRegistered(RoomRecord room) => _registered.ContainsKey(room.Name);
}
