using System.Text.Json;
using Microsoft.Extensions.Logging;
using MoodDJ.Abstractions.Crypto;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Client;

/// <summary>
/// The station's control protocol, typed: one method per JSON-RPC method, each returning its
/// result record from MoodDJ.Protocol.Messages, and one event per notification. The connection,
/// hello, reconnect and resume are <see cref="StationClient"/>'s job; this type only speaks the
/// protocol over it (<see cref="Connection"/> is there for anything not covered here).
/// </summary>
public sealed class StationControlClient : IAsyncDisposable
{
    /// <summary>The resume-call key under which the last prompt is replayed after a reconnect to a station that forgot this client.</summary>
    public const string PromptResumeKey = "prompt";

    private readonly bool _ownsConnection;

    public StationControlClient(StationClient connection, bool ownsConnection = true)
    {
        Connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _ownsConnection = ownsConnection;
        connection.NotificationReceived += OnNotification;
    }

    public StationControlClient(IControlTransport transport, ICryptoProvider crypto, StationClientOptions options, ILogger<StationClient>? logger = null)
        : this(new StationClient(transport, crypto, options, logger))
    {
    }

    /// <summary>The untyped client underneath: state, reconnects, resume calls, raw calls.</summary>
    public StationClient Connection { get; }

    public StationClientState State => Connection.State;

    /// <summary>The last hello's reply, or null before the first connection.</summary>
    public HelloResult? LastHello => Connection.LastHello.ValueKind == JsonValueKind.Object ? Read<HelloResult>(Connection.LastHello, StationMethods.Hello) : null;

    public event Action<NowPlayingEvent>? NowPlayingChanged;

    public event Action<ListenerCountEvent>? ListenerCountChanged;

    public event Action<ListenerEvent>? ListenerJoined;

    public event Action<ListenerEvent>? ListenerLeft;

    public event Action<ErrorEvent>? ErrorReceived;

    /// <summary>The station asks this client's player (matched by <see cref="VolumeEvent.Token"/>) to change its volume; see <see cref="StationPlayer.Apply"/>.</summary>
    public event Action<VolumeEvent>? VolumeChanged;

    /// <summary>The station asks one of this client's relaying peers to probe a child about to attach.</summary>
    public event Action<MeshProbeEvent>? MeshProbeRequested;

    /// <summary>The station's next mesh stream key.</summary>
    public event Action<MeshKeyEvent>? MeshKeyAnnounced;

    /// <summary>Connects, says hello (to <see cref="StationClientOptions.Station"/>) and returns its reply.</summary>
    public async Task<HelloResult> ConnectAsync(CancellationToken cancellationToken = default)
    {
        await Connection.ConnectAsync(cancellationToken).ConfigureAwait(false);
        return LastHello ?? throw new InvalidOperationException("The station did not answer hello.");
    }

    /// <summary>Says hello again on the open connection (e.g. to move to another station); the reply says where it was routed.</summary>
    public Task<HelloResult> HelloAsync(string client, string? station = null, string? resumeToken = null, CancellationToken cancellationToken = default) =>
        CallAsync<HelloResult>(StationMethods.Hello, new HelloParams(client, resumeToken, station), cancellationToken);

    /// <summary>
    /// Sends the user's sentence; the reply has its mood and what plays now. With
    /// <paramref name="resumeAfterReconnect"/>, the prompt is replayed when a restarted station has forgotten this client.
    /// </summary>
    public Task<PromptResult> PromptAsync(string text, bool resumeAfterReconnect = true, CancellationToken cancellationToken = default)
    {
        var parameters = new PromptParams(text);
        if (resumeAfterReconnect) Connection.SetResumeCall(PromptResumeKey, StationMethods.Prompt, parameters);
        return CallAsync<PromptResult>(StationMethods.Prompt, parameters, cancellationToken);
    }

    public Task<NowPlayingEvent> SkipAsync(CancellationToken cancellationToken = default) =>
        CallAsync<NowPlayingEvent>(StationMethods.Skip, null, cancellationToken);

    /// <summary>Likes the playing track for the present mood (the station remembers it across restarts).</summary>
    public Task<LikeResult> LikeAsync(CancellationToken cancellationToken = default) =>
        CallAsync<LikeResult>(StationMethods.Like, null, cancellationToken);

    /// <summary>Skips the playing track and never picks it for the present mood again; the reply has what plays now.</summary>
    public Task<DislikeResult> DislikeAsync(CancellationToken cancellationToken = default) =>
        CallAsync<DislikeResult>(StationMethods.Dislike, null, cancellationToken);

    public Task<NowPlayingEvent> PauseAsync(CancellationToken cancellationToken = default) =>
        CallAsync<NowPlayingEvent>(StationMethods.Pause, null, cancellationToken);

    public Task<NowPlayingEvent> ResumeAsync(CancellationToken cancellationToken = default) =>
        CallAsync<NowPlayingEvent>(StationMethods.Resume, null, cancellationToken);

    public Task<NowPlayingEvent> SeekAsync(TimeSpan position, CancellationToken cancellationToken = default) =>
        CallAsync<NowPlayingEvent>(StationMethods.Seek, new SeekParams(position.TotalSeconds), cancellationToken);

    public Task<NowPlayingEvent> StopAsync(CancellationToken cancellationToken = default) =>
        CallAsync<NowPlayingEvent>(StationMethods.Stop, null, cancellationToken);

    public Task<StatusResult> StatusAsync(CancellationToken cancellationToken = default) =>
        CallAsync<StatusResult>(StationMethods.Status, null, cancellationToken);

    public Task<ListResult> ListAsync(CancellationToken cancellationToken = default) =>
        CallAsync<ListResult>(StationMethods.List, null, cancellationToken);

    /// <summary>Asks for the stream at <paramref name="parameters"/>'s port (or the multicast group).</summary>
    public Task<SubscribeResult> SubscribeAsync(SubscribeParams parameters, CancellationToken cancellationToken = default) =>
        CallAsync<SubscribeResult>(StationMethods.Subscribe, parameters, cancellationToken);

    /// <summary>Asks for the stream at this machine's UDP <paramref name="port"/>.</summary>
    public Task<SubscribeResult> SubscribeAsync(int port, CancellationToken cancellationToken = default) =>
        SubscribeAsync(new SubscribeParams(port), cancellationToken);

    public Task<UnsubscribeResult> UnsubscribeAsync(string token, CancellationToken cancellationToken = default) =>
        CallAsync<UnsubscribeResult>(StationMethods.Unsubscribe, new UnsubscribeParams(token), cancellationToken);

    /// <summary>Sets the volume (0–100) and mute of the listeners called <paramref name="listener"/>; their players apply it.</summary>
    /// <summary>Tells the station how a listener of this client receives (shown by the server console).</summary>
    public Task<ReportResult> ReportAsync(ReportParams report, CancellationToken cancellationToken = default) =>
        CallAsync<ReportResult>(StationMethods.Report, report, cancellationToken);

    /// <summary>A relaying peer asks for parents, or a direct feed (docs/protocol.md, "Live relay mesh").</summary>
    public Task<MeshParentsResult> MeshParentsAsync(string token, int? newest = null, CancellationToken cancellationToken = default) =>
        CallAsync<MeshParentsResult>(StationMethods.MeshParents, new MeshParentsParams(token, newest), cancellationToken);

    public Task<SetVolumeResult> SetVolumeAsync(string listener, int volume, bool? muted = null, CancellationToken cancellationToken = default) =>
        CallAsync<SetVolumeResult>(StationMethods.SetVolume, new SetVolumeParams(listener, volume, muted), cancellationToken);

    /// <summary>Push to talk: encoded voice frames (the station's codec and format, in order); <paramref name="end"/> when the talker lets go.</summary>
    public Task<TalkResult> TalkAsync(IEnumerable<ReadOnlyMemory<byte>> frames, bool end = false, CancellationToken cancellationToken = default) =>
        CallAsync<TalkResult>(StationMethods.Talk, new TalkParams([.. frames.Select(f => Convert.ToBase64String(f.Span))], end), cancellationToken);

    /// <summary>What the station's sources offer for <paramref name="mood"/> (words; null: the present mood).</summary>
    public Task<CatalogResult> CatalogAsync(string? mood = null, int? count = null, CancellationToken cancellationToken = default) =>
        CallAsync<CatalogResult>(StationMethods.Catalog, new CatalogParams(mood, count), cancellationToken);

    /// <summary>Plays a track from the catalog or the queue now, from <paramref name="position"/>.</summary>
    public Task<NowPlayingEvent> PlayAsync(TrackDto track, TimeSpan? position = null, CancellationToken cancellationToken = default) =>
        CallAsync<NowPlayingEvent>(StationMethods.Play, new PlayParams(track.Source, track.Id, position?.TotalSeconds), cancellationToken);

    /// <summary>Any method, typed by the caller (throws <see cref="JsonRpcException"/> for an error reply).</summary>
    public async Task<T> CallAsync<T>(string method, object? parameters, CancellationToken cancellationToken = default)
    {
        var result = await Connection.CallAsync(method, parameters, cancellationToken: cancellationToken).ConfigureAwait(false);
        return Read<T>(result, method);
    }

    private static T Read<T>(JsonElement element, string what)
    {
        try
        {
            return element.Deserialize<T>(JsonRpcWriter.SerializerOptions)
                ?? throw new JsonRpcException(JsonRpcErrorCodes.InternalError, $"The station answered '{what}' with null.");
        }
        catch (JsonException e)
        {
            throw new JsonRpcException(JsonRpcErrorCodes.InternalError, $"The station's answer to '{what}' has the wrong shape: {e.Message}");
        }
    }

    private void OnNotification(StationNotification notification)
    {
        try
        {
            switch (notification.Method)
            {
                case StationMethods.NowPlaying: NowPlayingChanged?.Invoke(Read<NowPlayingEvent>(notification.Params, notification.Method)); break;
                case StationMethods.ListenerCount: ListenerCountChanged?.Invoke(Read<ListenerCountEvent>(notification.Params, notification.Method)); break;
                case StationMethods.ListenerJoined: ListenerJoined?.Invoke(Read<ListenerEvent>(notification.Params, notification.Method)); break;
                case StationMethods.ListenerLeft: ListenerLeft?.Invoke(Read<ListenerEvent>(notification.Params, notification.Method)); break;
                case StationMethods.Volume: VolumeChanged?.Invoke(Read<VolumeEvent>(notification.Params, notification.Method)); break;
                case StationMethods.MeshProbe: MeshProbeRequested?.Invoke(Read<MeshProbeEvent>(notification.Params, notification.Method)); break;
                case StationMethods.MeshKey: MeshKeyAnnounced?.Invoke(Read<MeshKeyEvent>(notification.Params, notification.Method)); break;
                case StationMethods.Error: ErrorReceived?.Invoke(Read<ErrorEvent>(notification.Params, notification.Method)); break;
            }
        }
        catch (JsonRpcException)
        {
            // A notification of a shape this client does not know: the raw event still carried it.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Connection.NotificationReceived -= OnNotification;
        if (_ownsConnection) await Connection.DisposeAsync().ConfigureAwait(false);
    }
}
