using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Abstractions.Codecs;
using MoodDJ.Abstractions.Crypto;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Hosting;
using MoodDJ.Media;
using MoodDJ.Media.Srtp;
using MoodDJ.Music;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Station;

/// <summary>What a station is made of: the parts the configuration chose (usually from <see cref="MoodDJEngine"/>).</summary>
public sealed record StationParts(
    IMoodAnalyzer Analyzer,
    MusicDirector Director,
    IAudioCodec Codec,
    ICryptoProvider Crypto,
    IControlTransport ControlTransport,
    IStreamTransport StreamTransport);

/// <summary>
/// One live station: its music director, its listeners, and the audio pump that paces the
/// director's program in real time and sends each RTP packet to every listener with that
/// listener's key. The ports are the server's (<see cref="StationServer"/>), shared by every
/// station it hosts; the control methods are served by <see cref="PlaybackMethods"/> and
/// <see cref="SubscriptionMethods"/>.
/// </summary>
public sealed class LiveStation : IAsyncDisposable
{
    /// <summary>The protocol version hello reports; bump only for a change old clients cannot ignore.</summary>
    public const int ProtocolVersion = 1;

    private readonly StationParts _parts;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly SdpWriter _sdp;
    private Task? _maintain;
    private StationPorts? _ports;
    private StationNotifier? _notifier;
    private RtpPacketizer? _packetizer;
    private AudioPump? _pump;
    private StreamSender? _sender;
    private MulticastFeed? _multicast;
    private int _disposed;

    public LiveStation(StationOptions options, StationParts parts, ILoggerFactory? loggerFactory = null, string id = StationRouter.DefaultId)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        options.Validate();
        if (!parts.Codec.Supports(options.Format, out var reason))
            throw new ArgumentException($"The codec '{parts.Codec.EncodingName}' cannot carry {options.Format}: {reason} (set station:sampleRate/channels or use:codec).");
        Id = id;
        Options = options;
        _parts = parts;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _log = _loggerFactory.CreateLogger<LiveStation>();
        Listeners = new ListenerRegistry(options.MaxListeners, options.MaxListenersPerSession, options.ListenerExpiry);
        Listeners.CountChanged += count => Broadcast(StationMethods.ListenerCount, new ListenerCountEvent(count, Options.MaxListeners));
        Listeners.Joined += OnListenerJoined;
        Listeners.Left += OnListenerLeft;
        Ssrc = (uint)Random.Shared.NextInt64(1, 1L << 32);
        _sdp = new SdpWriter(options, parts.Codec.EncodingName, Ssrc);
        Playback = new PlaybackMethods(this, _loggerFactory.CreateLogger<PlaybackMethods>());
        Subscriptions = new SubscriptionMethods(this, _loggerFactory.CreateLogger<SubscriptionMethods>());
        MeshFeed = new MeshFeed(TimeSpan.FromSeconds(options.MeshKeyRotationSeconds));
        MeshFeed.KeyAnnounced += AnnounceMeshKey;
        Mesh = new MeshMethods(this);
        Egress = new EgressMeter(Counters);
        Talk = new Voice.TalkOver(options.Format, parts.Codec, options.FrameSamplesPerChannel, Voice.TalkOverOptions.From(options));
        Talking = new Voice.TalkMethods(this);
    }

    /// <summary>The id clients name in hello's <c>station</c> parameter.</summary>
    public string Id { get; }

    /// <summary>The swarm relaying peers announce themselves in (StationSwarmId.For its name and control address; set by the host), or null.</summary>
    public string? SwarmId { get; set; }

    public StationOptions Options { get; }

    public StationParts Parts => _parts;

    /// <summary>Kept out of the station lists strangers see (hello's reply and errors): a room's station is reached through its room.</summary>
    public bool Unlisted { get; set; }

    /// <summary>Whether disposing the station disposes its music director too (true when a factory made it).</summary>
    public bool OwnsDirector { get; init; }

    public ListenerRegistry Listeners { get; }

    public StationCounters Counters { get; } = new();

    /// <summary>The RTP synchronization source of this station's stream.</summary>
    public uint Ssrc { get; }

    public bool IsStarted => _pump is not null;

    public bool Paused => _pump?.Paused ?? false;

    /// <summary>Stopped by the stop method: silence until the next prompt or resume.</summary>
    public bool Stopped { get; internal set; }

    /// <summary>The mood of the last prompt, if any.</summary>
    public MoodReading? Mood { get; internal set; }

    /// <summary>Raised after a prompt set a new mood (with the prompt's text), e.g. to remember it across restarts.</summary>
    public event Action<string, MoodReading>? MoodChanged;

    /// <summary>Raised in-process with each prompt that set a mood: who sent it (its hello name, or "station"), its text and mood.</summary>
    public event Action<PromptEvent>? Prompted;

    /// <summary>Raised in-process when a client starts talking over the music (true) and when it lets go (false), with its hello name.</summary>
    public event Action<string, bool>? Talked;

    internal void OnTalked(string client, bool started) => Talked?.Invoke(client, started);

    /// <summary>Raised in-process as the <c>listenerJoined</c> notification is sent: the listener itself (for its stats) and the event.</summary>
    public event Action<Listener, ListenerEvent>? ListenerJoined;

    /// <summary>Raised in-process as the <c>listenerLeft</c> notification is sent (<see cref="ListenerEvent.Reason"/> says why).</summary>
    public event Action<Listener, ListenerEvent>? ListenerLeft;

    public TimeSpan Uptime => Stopwatch.GetElapsedTime(_started);

    public IPEndPoint StreamEndPoint => Ports.Stream.LocalEndPoint;

    public IPEndPoint HeartbeatEndPoint => Ports.Heartbeat.LocalEndPoint;

    internal PlaybackMethods Playback { get; }

    internal SubscriptionMethods Subscriptions { get; }

    /// <summary>The one signed stream every directly fed relaying peer gets.</summary>
    internal MeshFeed MeshFeed { get; }

    internal MeshMethods Mesh { get; }

    internal EgressMeter Egress { get; }

    /// <summary>Voice mixed over the music (push to talk).</summary>
    internal Voice.TalkOver Talk { get; }

    internal Voice.TalkMethods Talking { get; }

    internal StationPorts Ports => _ports ?? throw NotStarted();

    internal AudioPump Pump => _pump ?? throw NotStarted();

    internal RtpPacketizer Packetizer => _packetizer ?? throw NotStarted();

    internal MulticastFeed? Multicast => _multicast;

    internal StationCounters PortCounters => Ports.Counters;

    /// <summary>Starts the pump on the server's shared ports; notifications go out through <paramref name="notifier"/>.</summary>
    internal void Start(StationPorts ports, StationNotifier notifier)
    {
        if (_pump is not null) throw new InvalidOperationException($"The station '{Id}' is already started.");
        _ports = ports;
        _notifier = notifier;
        var stopping = _stopping.Token;
        if (!string.IsNullOrWhiteSpace(Options.MulticastGroup))
            _multicast = MulticastFeed.Open(Options, _parts.StreamTransport, _parts.Crypto.IsEncrypted, Counters, stopping);
        _packetizer = RtpPacketizer.Create(_parts.Codec, Options.Format, Options.FrameSamplesPerChannel, Ssrc);
        var sender = _sender = new StreamSender(Listeners, new RtpFanout(ports.Stream, Counters, stopping, direct: ports.Direct is not null), _multicast, Options, Counters, MeshFeed, Rtsp);
        _pump = new AudioPump(
            ReadProgramAsync,
            _packetizer,
            new PacingClock(Options.FrameDuration, TimeSpan.FromMilliseconds(Options.MaxCatchUpMilliseconds), Options.MaxFramesPerWake),
            sender.OnFrame,
            Counters,
            _loggerFactory.CreateLogger<AudioPump>());
        _maintain = Task.Run(() => ExpireSilentListenersAsync(stopping), CancellationToken.None);
        _parts.Director.TrackChanged += OnTrackChanged;
        _pump.Start();
        _log.LogInformation("Station '{Id}' streaming {Codec} {Format}, {Frame} ms frames, SSRC {Ssrc:x8}.",
            Id, _parts.Codec.EncodingName, Options.Format, Options.FrameMilliseconds, Ssrc);
    }

    /// <summary>The program: the director's music with any talkers mixed over it.</summary>
    private async ValueTask<int> ReadProgramAsync(Memory<float> buffer, CancellationToken cancellationToken)
    {
        var n = await _parts.Director.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Talk.MixInto(buffer.Span[..n]);
        return n;
    }

    /// <summary>
    /// The SDP an RTP player needs to receive this station's stream at <paramref name="receiver"/>, with the
    /// <c>a=crypto</c> line when <paramref name="keys"/> is given (only ever sent over the sealed channel).
    /// </summary>
    public string DescribeStream(IPEndPoint receiver, SrtpKeys? keys, int? multicastTtl = null) =>
        _sdp.Describe(Packetizer, StreamEndPoint, receiver, keys, multicastTtl);

    /// <summary>The SDP an RTSP player gets from DESCRIBE (plain RTP; the transport is chosen by SETUP).</summary>
    internal string DescribeForRtsp(string control) => _sdp.DescribeForRtsp(Packetizer, StreamEndPoint, control);

    /// <summary>The RTSP players playing this station (empty unless an <see cref="Rtsp.RtspServer"/> serves it).</summary>
    public Rtsp.RtspFeed Rtsp { get; } = new();

    /// <summary>The multicast group's SDP (with its shared key, when crypto is on), or null when multicast is off.</summary>
    public string? DescribeMulticast() => _multicast is null ? null
        : _sdp.Describe(Packetizer, StreamEndPoint, _multicast.Group.EndPoint, _multicast.Keys, Options.MulticastTimeToLive);

    /// <summary>Now playing, as the nowPlaying event and status carry it.</summary>
    public NowPlayingEvent NowPlaying()
    {
        var director = _parts.Director;
        var track = director.NowPlaying;
        return new NowPlayingEvent(TrackDto.From(track), MoodDto.From(Mood), track is null ? null : director.Position.TotalSeconds, Paused);
    }

    /// <summary>Sets the mood as a client's prompt would (no client needed).</summary>
    public async Task<PromptResult> PromptAsync(string text, CancellationToken cancellationToken = default) =>
        (await Playback.PromptAsync("station", text, cancellationToken, onlyIfNoMoodYet: false).ConfigureAwait(false))!;

    /// <summary>Plays the mood of <paramref name="text"/> unless a client has prompted already (a newer mood wins); null then.</summary>
    public Task<PromptResult?> ResumeMoodAsync(string text, CancellationToken cancellationToken = default) =>
        Playback.PromptAsync("station", text, cancellationToken, onlyIfNoMoodYet: true);

    /// <summary>Sends a notification to the sessions routed to this station.</summary>
    internal void Broadcast(string method, object? parameters) => _notifier?.Broadcast(method, parameters);

    /// <summary>Sends a notification to the client that holds a listener (its resume token is the listener's session id).</summary>
    internal int NotifyOwner(Listener listener, string method, object? parameters) => _notifier?.NotifyClient(listener.SessionId, method, parameters) ?? 0;

    internal void OnMoodChanged(string client, string text, MoodReading mood)
    {
        MoodChanged?.Invoke(text, mood);
        Prompted?.Invoke(new PromptEvent(client, text, mood));
    }

    private void OnTrackChanged(object? sender, TrackChangedEventArgs e)
    {
        // A skip or dislike cuts what players queued of the old track; a track that ended (or a mood's crossfade)
        // runs on into the next, so a flush there would only drop a play-out delay of music at every change.
        if (e.PreviousEnded is TrackEndReason.Skipped or TrackEndReason.Disliked) RequestFlush();
        Broadcast(StationMethods.NowPlaying, NowPlaying());
    }

    /// <summary>A pause, skip or seek: players drop the audio they queued before it (heard within a round trip).</summary>
    internal void RequestFlush() => _sender?.RequestFlush();

    /// <summary>The play-out delay the station announced last (synchronized play-out), in milliseconds.</summary>
    public double PlayoutDelayMilliseconds => (_sender?.AnnouncedDelayMicroseconds ?? 0) / 1000.0;

    private void OnListenerJoined(Listener listener, int count)
    {
        _log.LogInformation("Station '{Id}': {Name} joined from {Address} ({Count}/{Max}).", Id, listener.Name, listener.EndPoint, count, Options.MaxListeners);
        var joined = new ListenerEvent(listener.Name, listener.EndPoint.ToString(), count);
        Broadcast(StationMethods.ListenerJoined, joined);
        ListenerJoined?.Invoke(listener, joined);
    }

    private void OnListenerLeft(Listener listener, int count, string reason)
    {
        _log.LogInformation("Station '{Id}': {Name} at {Address} left ({Reason}; {Count} now).", Id, listener.Name, listener.EndPoint, reason, count);
        var left = new ListenerEvent(listener.Name, listener.EndPoint.ToString(), count, reason);
        Broadcast(StationMethods.ListenerLeft, left);
        ListenerLeft?.Invoke(listener, left);
    }

    /// <summary>Expires listeners not heard from within station:listenerExpirySeconds.</summary>
    private async Task ExpireSilentListenersAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Clamp(Options.ListenerExpirySeconds * 100, 50, 1000)));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                Listeners.ExpireSilent();
                Egress.Sample();
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Hands every relaying peer the next stream key (each over its own sealed session) before packets use it.</summary>
    private void AnnounceMeshKey(byte id, SrtpKeys keys)
    {
        var announced = MeshMethods.KeyEvent(id, keys);
        foreach (var listener in Listeners.Snapshot)
            if (listener.Mesh is not null) NotifyOwner(listener, StationMethods.MeshKey, announced);
    }

    private InvalidOperationException NotStarted() => new($"The station '{Id}' is not started.");

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _parts.Director.TrackChanged -= OnTrackChanged;
        _pump?.Dispose();
        _stopping.Cancel();
        if (_maintain is not null) await _maintain.ConfigureAwait(false);
        _multicast?.Dispose();
        _notifier = null;
        Listeners.Clear();
        _packetizer?.Dispose();
        MeshFeed.Dispose();
        Talk.Dispose();
        if (OwnsDirector && _parts.Director is IAsyncDisposable director)
            await director.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
