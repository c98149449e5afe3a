using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Abstractions.Crypto;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Client;
using MoodDJ.Protocol;
using MoodDJ.Rooms.Control;
using MoodDJ.Storage;

namespace MoodDJ.Rooms.Hosted;

/// <summary>
/// A hosting server's one control connection to its central server (<c>rooms:central</c>): logs in
/// as the rooms' owner, registers this server's hosted rooms, reconciles their history
/// (<see cref="HostedRoomSync"/>), then forwards each message as it is written, both ways. When the
/// connection drops or fails it tries again, waiting 0.2 s doubling to <c>rooms:central:reconnectMaxSeconds</c>
/// with jitter, until disposed; a refused login stops it (<see cref="Stopped"/>), since retrying a wrong
/// password would lock the owner's account at the central server.
/// </summary>
public sealed class CentralLink : IAsyncDisposable
{
    private readonly IMoodDJStore _store;
    private readonly RoomsOptions _options;
    private readonly RoomControlMethods _rooms;
    private readonly IControlTransport _transport;
    private readonly ICryptoProvider _crypto;
    private readonly EndPoint _central;
    private readonly string _endPoint;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    // Messages written here while connected, in order; when it is full a reconcile catches up instead.
    private readonly Channel<object> _work = Channel.CreateBounded<object>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite });
    private volatile bool _accepting;
    private volatile bool _behind;
    private Task? _run;

    /// <param name="ownEndPoint">This server's control endpoint, listed at the central server unless rooms:central:publicEndPoint names another.</param>
    public CentralLink(IMoodDJStore store, RoomsOptions options, RoomControlMethods rooms, IControlTransport transport, ICryptoProvider crypto,
        EndPoint ownEndPoint, ILogger? log = null)
    {
        if (!options.Central.Enabled) throw new ArgumentException("rooms:central:address is empty: there is no central server to link to.");
        _store = store;
        _options = options;
        _rooms = rooms;
        _transport = transport;
        _crypto = crypto;
        _central = CentralOptions.EndPoint(options.Central.Address, "rooms:central:address");
        _endPoint = options.Central.PublicEndPoint is { Length: > 0 } own ? own : ownEndPoint.ToString()!;
        _log = log ?? NullLogger.Instance;
        rooms.MessageStored += OnStoredHere;
    }

    /// <summary>Raised after a room was registered and reconciled on a (new) connection, with its name.</summary>
    public event Action<string>? Synced;

    public bool IsConnected { get; private set; }

    /// <summary>Completes when the link gives up for good (a refused login) or is disposed.</summary>
    public Task Stopped => _run ?? Task.CompletedTask;

    /// <summary>Why the last attempt failed or the last connection ended (null while connected).</summary>
    public string? LastError { get; private set; }

    public void Start() => _run ??= Task.Run(() => RunAsync(_stop.Token));

    private async Task RunAsync(CancellationToken ct)
    {
        var max = _options.Central.ReconnectMax;
        var delay = TimeSpan.FromMilliseconds(200);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (await SessionAsync(ct).ConfigureAwait(false)) delay = TimeSpan.FromMilliseconds(200);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (CentralLoginException e)
            {
                // Retrying a refused password would lock the owner's account at the central server (its login limits): stop instead.
                LastError = e.Message;
                _log.LogError("Link to the central server {Central} stopped: {Message}", _options.Central.Address, e.Message);
                break;
            }
            catch (Exception e)
            {
                LastError = e.Message;
                _log.LogWarning("Link to the central server {Central}: {Message} Trying again in {Delay:0.0} s.", _options.Central.Address, e.Message, delay.TotalSeconds);
            }
            try
            {
                await Task.Delay(delay + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 1 + (int)(delay.TotalMilliseconds / 4))), ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, max.Ticks));
        }
    }

    /// <summary>One connection, from connect to loss; true when it got as far as syncing (the backoff starts over).</summary>
    private async Task<bool> SessionAsync(CancellationToken ct)
    {
        await using var client = new StationClient(_transport, _crypto, new StationClientOptions
        {
            EndPoint = _central,
            ClientName = "mooddj-host",
            HelloMethod = null,
            AutoReconnect = false,
            CallTimeout = TimeSpan.FromSeconds(30),
        });
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(ct);
        client.StateChanged += (state, _) =>
        {
            if (state is not (StationClientState.Closed or StationClientState.Reconnecting)) return;
            try { lost.Cancel(); }
            catch (ObjectDisposedException) { } // the session already ended: disposing the client closes it
        };
        client.NotificationReceived += n =>
        {
            if (n.Method == HostedMethods.Messages) _work.Writer.TryWrite(n);
        };
        var sync = new HostedRoomSync(_store, _options, _rooms, (m, p, t) => client.CallAsync(m, p, cancellationToken: t), _log);
        var established = false;
        try
        {
            await client.ConnectAsync(lost.Token).ConfigureAwait(false);
            await client.CallAsync(RoomMethods.Login, new { user = _options.Central.User, password = _options.Central.Password }, cancellationToken: lost.Token).ConfigureAwait(false);
            // Whatever waited from an earlier connection is covered by the reconcile below.
            while (_work.Reader.TryRead(out _)) { }
            _behind = false;
            _accepting = true;
            foreach (var room in await sync.HostedRoomsAsync(lost.Token).ConfigureAwait(false))
                await RegisterAsync(sync, room, lost.Token).ConfigureAwait(false);
            (IsConnected, LastError, established) = (true, null, true);
            await ReconcileAllAsync(sync, lost.Token).ConfigureAwait(false);
            while (true)
            {
                var item = await _work.Reader.ReadAsync(lost.Token).ConfigureAwait(false);
                if (_behind)
                {
                    _behind = false;
                    await ReconcileAllAsync(sync, lost.Token).ConfigureAwait(false);
                }
                await HandleAsync(sync, item, lost.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            LastError = client.LastError ?? "the connection was lost";
            _log.LogWarning("Link to the central server {Central} lost: {Reason}", _options.Central.Address, LastError);
            return established;
        }
        catch (JsonRpcException e) when ((e.Code is JsonRpcErrorCodes.Unauthorized or RoomMethods.RateLimited) && !established)
        {
            throw new CentralLoginException($"The central server refused the login of '{_options.Central.User}': {e.Message} " +
                "Check rooms:central:user and rooms:central:password, then restart the server.", e);
        }
        finally
        {
            _accepting = false;
            IsConnected = false;
        }
    }

    /// <summary>Registers one room; a refusal (a name taken there, too many rooms) skips that room only, until the next connection.</summary>
    private async Task<bool> RegisterAsync(HostedRoomSync sync, RoomRecord room, CancellationToken ct)
    {
        try
        {
            await sync.RegisterAsync(room, _endPoint, ct).ConfigureAwait(false);
            return true;
        }
        catch (JsonRpcException e) when (e.Code is not (JsonRpcErrorCodes.Unauthorized or JsonRpcErrorCodes.Unavailable))
        {
            _log.LogError("The central server {Central} refused to list room '{Room}': {Message}", _options.Central.Address, room.Name, e.Message);
            return false;
        }
    }

    private async Task ReconcileAllAsync(HostedRoomSync sync, CancellationToken ct)
    {
        foreach (var room in sync.Rooms.ToList())
        {
            var (pushed, pulled) = await sync.ReconcileAsync(room, ct).ConfigureAwait(false);
            if (pushed + pulled > 0) _log.LogInformation("Hosted room '{Room}' synced with {Central}: {Pushed} sent, {Pulled} received.", room.Name, _options.Central.Address, pushed, pulled);
            Synced?.Invoke(room.Name);
        }
    }

    private async Task HandleAsync(HostedRoomSync sync, object item, CancellationToken ct)
    {
        switch (item)
        {
            case StationNotification n:
                await sync.OnCentralMessagesAsync(n.Params, ct).ConfigureAwait(false);
                break;
            case Outgoing(var room, var first):
                if (!sync.IsRegistered(room))
                {
                    // A room created since the link connected is registered (and reconciled) at its first message, its owner's join.
                    if (!await sync.ShouldHostAsync(room, ct).ConfigureAwait(false) || !await RegisterAsync(sync, room, ct).ConfigureAwait(false)) return;
                    await sync.ReconcileAsync(room, ct).ConfigureAwait(false);
                    Synced?.Invoke(room.Name);
                    return;
                }
                // Whatever else is already waiting for the same room goes in the same push.
                var batch = new List<ChatMessage> { first };
                while (batch.Count < sync.BatchFor(room) && _work.Reader.TryPeek(out var next) && next is Outgoing(var r, var m) && r.Id == room.Id)
                {
                    _work.Reader.TryRead(out _);
                    batch.Add(m);
                }
                await sync.PushAsync(room, batch.OrderBy(m => m.Id).ToList(), ct).ConfigureAwait(false);
                break;
        }
    }

    private void OnStoredHere(RoomRecord room, ChatMessage message)
    {
        if (!_accepting || SnowflakeIds.NodeOf(message.Id) != _options.Node) return;
        if (!_work.Writer.TryWrite(new Outgoing(room, message))) _behind = true;
    }

    private sealed record Outgoing(RoomRecord Room, ChatMessage Message);

    private sealed class CentralLoginException(string message, Exception inner) : Exception(message, inner);

    public async ValueTask DisposeAsync()
    {
        _rooms.MessageStored -= OnStoredHere;
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_run is not null)
        {
            try { await _run.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
        _stop.Dispose();
    }
}
