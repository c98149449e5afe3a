using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Abstractions.Crypto;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Media.Srtp;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Station;

/// <summary>
/// What one process serves: one control server, one stream port and one heartbeat port, shared by
/// every station it hosts. Hello routes each session to a station by id (<see cref="StationRouter"/>);
/// the heartbeat port finds each listener's station by its token. The members after
/// <see cref="Default"/> speak for the default station, so a one-station host reads as before.
/// </summary>
public sealed class StationServer : IAsyncDisposable
{
    private readonly StationOptions _options;
    private readonly IControlTransport _controlTransport;
    private readonly ICryptoProvider _crypto;
    private readonly IStreamTransport _streamTransport;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private readonly Lock _gate = new();
    private ControlServer? _control;
    private StationPorts? _ports;
    private int _disposed;

    /// <param name="options">The ports, bind address and connection limits (the station section).</param>
    public StationServer(StationOptions options, IControlTransport controlTransport, ICryptoProvider crypto, IStreamTransport streamTransport,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _controlTransport = controlTransport ?? throw new ArgumentNullException(nameof(controlTransport));
        _crypto = crypto ?? throw new ArgumentNullException(nameof(crypto));
        _streamTransport = streamTransport ?? throw new ArgumentNullException(nameof(streamTransport));
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _log = _loggerFactory.CreateLogger<StationServer>();
    }

    /// <summary>A server for one station, on that station's ports and parts.</summary>
    public StationServer(LiveStation station, ILoggerFactory? loggerFactory = null)
        : this(station.Options, station.Parts.ControlTransport, station.Parts.Crypto, station.Parts.StreamTransport, loggerFactory)
    {
        Add(station);
    }

    public StationRouter Router { get; } = new();

    /// <summary>Where each station's last prompt is kept and resumed from at start (null: nothing is remembered).</summary>
    public StationStateStore? State { get; init; }

    /// <summary>Whether disposing the server disposes its stations too (true by default).</summary>
    public bool OwnsStations { get; init; } = true;

    private readonly List<IControlMethods> _controlMethods = [];

    /// <summary>Adds methods to the control server (rooms, accounts, chat); before <see cref="StartAsync"/> only.</summary>
    public void AddControlMethods(IControlMethods methods)
    {
        ArgumentNullException.ThrowIfNull(methods);
        if (_control is not null) throw new InvalidOperationException("Add control methods before the server starts.");
        _controlMethods.Add(methods);
    }

    /// <summary>Hosts <paramref name="station"/> too (started at once when the server already runs). The first one added is the default.</summary>
    public void Add(LiveStation station)
    {
        lock (_gate)
        {
            Router.Add(station);
            if (_ports is not null)
                StartStation(station);
        }
    }

    /// <summary>
    /// Stops hosting <paramref name="station"/> (not the default): sessions still routed to it go back
    /// to the default station, then it is disposed (its listeners leave with "station stopped").
    /// </summary>
    public async Task RemoveAsync(LiveStation station)
    {
        if (!Router.Remove(station)) return;
        if (_control is not null)
            foreach (var session in _control.Sessions)
                if (StationSession.Of(session) is { } state && ReferenceEquals(state.Station, station))
                    state.Station = Default;
        await station.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Moves a session to <paramref name="station"/> (hosted here): its later methods act there and it
    /// hears that station's notifications. The client's listeners on the station it leaves are dropped,
    /// so its player, told its token is unknown, subscribes again, now to the new station. False when
    /// the session has not said hello (it has no station yet).
    /// </summary>
    public bool Route(ControlSession session, LiveStation station)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!Router.TryResolve(station.Id, out var hosted) || !ReferenceEquals(hosted, station))
            throw new InvalidOperationException($"The station '{station.Id}' is not hosted by this server.");
        if (StationSession.Of(session) is not { } state) return false;
        var old = state.Station;
        if (ReferenceEquals(old, station)) return true;
        state.Station = station;
        old.Listeners.RemoveSession(state.ResumeToken, "moved to station " + station.Id);
        return true;
    }

    /// <summary>The station a session is routed to (null before hello).</summary>
    public static LiveStation? StationOf(ControlSession session) => StationSession.Of(session)?.Station;

    /// <summary>The client a session belongs to across reconnects (its resume token; <see cref="Listener.SessionId"/> of its listeners), null before hello.</summary>
    public static string? ClientOf(ControlSession session) => StationSession.Of(session)?.ResumeToken;

    /// <summary>Binds every port, then starts every station. Throws with the setting to change when a port is taken.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var first = Router.Default ?? throw new InvalidOperationException("Add a station before starting the server.");
        if (_control is not null) throw new InvalidOperationException("The server is already started.");
        var ports = StationPorts.Open(_options, _streamTransport, first.Counters);
        var bind = _options.BindAddress;
        var control = new ControlServer(_controlTransport, _crypto, new StationControlHandler(Router, _loggerFactory.CreateLogger<StationControlHandler>(), _controlMethods.ToArray()),
            new ControlServerOptions
            {
                EndPoint = new IPEndPoint(bind, _options.ControlPort),
                MaxConnections = _options.MaxConnections,
                IdleTimeout = TimeSpan.FromSeconds(_options.IdleTimeoutSeconds),
                HandshakeTimeout = TimeSpan.FromSeconds(_options.HandshakeTimeoutSeconds),
            }, _loggerFactory.CreateLogger<ControlServer>());
        try
        {
            await control.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AddressInUseException or System.Net.Sockets.SocketException)
        {
            ports.Dispose();
            var why = e is System.Net.Sockets.SocketException s ? s.SocketErrorCode.ToString() : "the address is in use";
            throw new InvalidOperationException($"Cannot listen for control on {bind}:{_options.ControlPort} ({why}); set station:controlPort to a free port.", e);
        }
        _control = control;

        var stopping = _stopping.Token;
        ports.Nacks = new MeshNackResponder(Router);
        ports.Punched = Router.MarkPunched;
        var heartbeats = new HeartbeatServer(ports.Heartbeat, Router, ports.Counters, _options.MaxHeartbeatsPerSecond, _log);
        _loops.Add(Task.Run(() => heartbeats.RunAsync(stopping), CancellationToken.None));
        _loops.Add(Task.Run(() => ports.DrainStreamPortAsync(stopping), CancellationToken.None));
        lock (_gate)
        {
            _ports = ports;
            foreach (var station in Router.Stations)
                StartStation(station);
        }
        _log.LogInformation("Station server on control {Control}, stream {Stream}, heartbeat {Heartbeat}, crypto {Crypto}: stations {Stations}.",
            ControlEndPoint, StreamEndPoint, HeartbeatEndPoint, _crypto.GetType().Name, string.Join(", ", Router.Ids));
    }

    private void StartStation(LiveStation station)
    {
        station.Start(_ports!, new StationNotifier(_control!, station, () => Router.Default));
        if (State is not { } state) return;
        station.MoodChanged += (text, mood) => state.Save(station.Id, text, mood.Label.ToString().ToLowerInvariant());
        if (state.Load().TryGetValue(station.Id, out var saved))
            _loops.Add(Task.Run(() => ResumeAsync(station, saved, _stopping.Token), CancellationToken.None));
    }

    /// <summary>Plays the station's last mood again, as if its last prompt had just come in (no client needed).</summary>
    private async Task ResumeAsync(LiveStation station, SavedStation saved, CancellationToken cancellationToken)
    {
        try
        {
            var result = await station.ResumeMoodAsync(saved.Prompt, cancellationToken).ConfigureAwait(false);
            if (result is null)
            {
                _log.LogInformation("Station '{Id}' got a prompt before it resumed its last mood; the new one plays.", station.Id);
                return;
            }
            _log.LogInformation("Station '{Id}' resumed its last mood, {Mood} (\"{Prompt}\", from {Saved:u}).",
                station.Id, result.Mood.Label, saved.Prompt, saved.SavedAt);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
        catch (Exception e)
        {
            _log.LogWarning("Station '{Id}' could not resume its last mood (\"{Prompt}\"): {Error}", station.Id, saved.Prompt, e.Message);
        }
    }

    public EndPoint ControlEndPoint => Control.LocalEndPoint;

    public IPEndPoint StreamEndPoint => (_ports ?? throw NotStarted()).Stream.LocalEndPoint;

    public IPEndPoint HeartbeatEndPoint => (_ports ?? throw NotStarted()).Heartbeat.LocalEndPoint;

    /// <summary>The control server (its stats and sessions), once started.</summary>
    public ControlServer Control => _control ?? throw NotStarted();

    /// <summary>The station a session gets when its hello names none.</summary>
    public LiveStation Default => Router.Default ?? throw new InvalidOperationException("The server hosts no station.");

    public StationOptions Options => Default.Options;

    public ListenerRegistry Listeners => Default.Listeners;

    /// <summary>The default station's counters; they also count what arrives on the shared ports.</summary>
    public StationCounters Counters => Default.Counters;

    public uint Ssrc => Default.Ssrc;

    public bool Paused => Default.Paused;

    public MoodReading? Mood => Default.Mood;

    public TimeSpan Uptime => Default.Uptime;

    public NowPlayingEvent NowPlaying() => Default.NowPlaying();

    public string DescribeStream(IPEndPoint receiver, SrtpKeys? keys, int? multicastTtl = null) => Default.DescribeStream(receiver, keys, multicastTtl);

    public string? DescribeMulticast() => Default.DescribeMulticast();

    private static InvalidOperationException NotStarted() => new("The station server is not started.");

    /// <summary>Closes every session, stops every station, then closes the ports.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _stopping.Cancel();
        if (_control is not null) await _control.DisposeAsync().ConfigureAwait(false);
        if (OwnsStations)
            foreach (var station in Router.Stations)
                await station.DisposeAsync().ConfigureAwait(false);
        _ports?.Dispose();
        try { await Task.WhenAll(_loops).ConfigureAwait(false); }
        catch (Exception e) { _log.LogDebug(e, "A server loop ended with an error while stopping."); }
        _stopping.Dispose();
    }
}
