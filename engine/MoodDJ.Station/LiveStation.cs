using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Abstractions.Codecs;
using MoodDJ.Abstractions.Crypto;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Protocol;
using MoodDJ.Music;
using MoodDJ.Media;
using MoodDJ.Protocol.Messages;
using MoodDJ.Hosting;

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
/// One live station, self-contained so a server can run several: the control endpoint (JSON-RPC
/// over the sealed control channel, handled by this class), the heartbeat port, and the audio pump
/// that paces the music director's program in real time and fans each RTP packet out to every
/// listener with that listener's SRTP key.
/// </summary>
public sealed partial class LiveStation : IControlHandler, IAsyncDisposable
{
    private readonly StationOptions _options;
    private readonly StationParts _parts;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private readonly long _started = Stopwatch.GetTimestamp();
    private ControlServer? _control;
    private IDatagramSocket? _streamSocket;
    private IDatagramSocket? _heartbeatSocket;
    private RtpPacketizer? _packetizer;
    private long _nextSenderReport;
    private readonly byte[] _rtcp = new byte[256];
    private AudioPump? _pump;
    private RtpFanout? _fanout;
    private Listener? _multicast;
    private int _disposed;

    public LiveStation(StationOptions options, StationParts parts, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(parts);
        options.Validate();
        if (!parts.Codec.Supports(options.Format, out var reason))
            throw new ArgumentException($"The codec '{parts.Codec.EncodingName}' cannot carry {options.Format}: {reason} (set station:sampleRate/channels or use:codec).");
        _options = options;
        _parts = parts;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _log = _loggerFactory.CreateLogger<LiveStation>();
        Listeners = new ListenerRegistry(options.MaxListeners, options.MaxListenersPerSession, options.ListenerExpiry);
        Listeners.CountChanged += OnListenerCountChanged;
        Ssrc = (uint)Random.Shared.NextInt64(1, 1L << 32);
    }

    public StationOptions Options => _options;

    /// <summary>Whether disposing the station disposes its music director too (true when a factory made it).</summary>
    public bool OwnsDirector { get; init; }

    public ListenerRegistry Listeners { get; }

    public StationCounters Counters { get; } = new();

    /// <summary>The RTP synchronization source of this station's stream.</summary>
    public uint Ssrc { get; }

    public EndPoint ControlEndPoint => _control?.LocalEndPoint ?? throw NotStarted();

    public IPEndPoint StreamEndPoint => _streamSocket?.LocalEndPoint ?? throw NotStarted();

    public IPEndPoint HeartbeatEndPoint => _heartbeatSocket?.LocalEndPoint ?? throw NotStarted();

    /// <summary>The control server (its stats and sessions), once started.</summary>
    public ControlServer Control => _control ?? throw NotStarted();

    public bool Paused => _pump?.Paused ?? false;

    /// <summary>The mood of the last prompt, if any.</summary>
    public MoodReading? Mood { get; private set; }

    public TimeSpan Uptime => Stopwatch.GetElapsedTime(_started);

    /// <summary>Binds every port and starts the pump. Throws with the port's name when one is taken.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_pump is not null) throw new InvalidOperationException("The station is already started.");
        var bind = _options.BindAddress;
        _streamSocket = Open("streamPort", new DatagramSocketOptions
        {
            LocalEndPoint = new IPEndPoint(bind, _options.StreamPort),
            SendBufferBytes = _options.SendBufferBytes,
            ReceiveBufferBytes = 256 * 1024,
        });
        _heartbeatSocket = Open("heartbeatPort", new DatagramSocketOptions
        {
            LocalEndPoint = new IPEndPoint(bind, _options.HeartbeatPort),
            ReceiveBufferBytes = 1 << 20,
        });

        _control = new ControlServer(_parts.ControlTransport, _parts.Crypto, this, new ControlServerOptions
        {
            EndPoint = new IPEndPoint(bind, _options.ControlPort),
            MaxConnections = _options.MaxConnections,
            IdleTimeout = TimeSpan.FromSeconds(_options.IdleTimeoutSeconds),
            HandshakeTimeout = TimeSpan.FromSeconds(_options.HandshakeTimeoutSeconds),
        }, _loggerFactory.CreateLogger<ControlServer>());
        try
        {
            await _control.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new InvalidOperationException($"Cannot listen for control on {bind}:{_options.ControlPort} ({e.SocketErrorCode}); set station:controlPort to a free port.", e);
        }

        var stopping = _stopping.Token;
        _fanout = new RtpFanout(_streamSocket, Counters, stopping);
        if (!string.IsNullOrWhiteSpace(_options.MulticastGroup))
            _multicast = CreateMulticastListener();

        _packetizer = RtpPacketizer.Create(_parts.Codec, _options.Format, _options.FrameSamplesPerChannel, Ssrc);
        _pump = new AudioPump(
            _parts.Director.ReadAsync,
            _packetizer,
            new PacingClock(_options.FrameDuration, TimeSpan.FromMilliseconds(_options.MaxCatchUpMilliseconds), _options.MaxFramesPerWake),
            OnFrame,
            Counters,
            _loggerFactory.CreateLogger<AudioPump>());

        var heartbeats = new HeartbeatServer(_heartbeatSocket, Listeners, Counters, _options.MaxHeartbeatsPerSecond, _log);
        _loops.Add(Task.Run(() => heartbeats.RunAsync(stopping), CancellationToken.None));
        _loops.Add(Task.Run(() => DrainStreamPortAsync(stopping), CancellationToken.None));
        _loops.Add(Task.Run(() => MaintainAsync(stopping), CancellationToken.None));
        _parts.Director.TrackChanged += OnTrackChanged;
        _pump.Start();
        _log.LogInformation("Station on control {Control}, stream {Stream}, heartbeat {Heartbeat}: {Codec} {Format}, {Frame} ms frames, crypto {Crypto}.",
            ControlEndPoint, StreamEndPoint, HeartbeatEndPoint, _parts.Codec.EncodingName, _options.Format, _options.FrameMilliseconds,
            _parts.Crypto.GetType().Name);
    }

    private IDatagramSocket Open(string key, DatagramSocketOptions options)
    {
        try
        {
            return _parts.StreamTransport.Open(options);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new InvalidOperationException($"Cannot bind UDP {options.LocalEndPoint} ({e.SocketErrorCode}); set station:{key} to a free port.", e);
        }
    }

    /// <summary>One frame from the pump: to every unicast listener, then to the multicast group.</summary>
    private void OnFrame(ReadOnlySpan<byte> rtp, RtpPacketizer packetizer)
    {
        var listeners = Listeners.Snapshot;
        _fanout!.Send(rtp, listeners);
        if (_multicast is not null)
            _multicastFanout!.SendOne(rtp, _multicast);
        if (Stopwatch.GetTimestamp() >= _nextSenderReport)
        {
            _nextSenderReport = Stopwatch.GetTimestamp() + (long)(_options.RtcpIntervalSeconds * Stopwatch.Frequency);
            SendSenderReports(packetizer, listeners);
        }
    }

    /// <summary>
    /// RTCP sender reports (muxed on the RTP port, RFC 5761) tie the media clock to the wall clock for
    /// synchronized play-out. Only clear-RTP listeners get them: SRTCP is not implemented yet, and a
    /// plain RTCP packet inside an SRTP session would be rejected by a strict receiver.
    /// </summary>
    private void SendSenderReports(RtpPacketizer packetizer, Listener[] listeners)
    {
        // The packet just sent plays now; the next one (whose timestamp the report carries) one frame later.
        var report = packetizer.CreateSenderReport(DateTimeOffset.UtcNow + _options.FrameDuration);
        var length = report.WriteCompound(_rtcp, "mooddj@station");
        foreach (var listener in listeners)
        {
            if (listener.Protector is not ClearRtp) continue;
            if (_fanout!.SendOne(_rtcp.AsSpan(0, length), listener))
                Interlocked.Increment(ref Counters.rtcpReports);
        }
    }

    /// <summary>Counts and drops whatever arrives on the stream port (RTCP receiver reports, junk).</summary>
    private async Task DrainStreamPortAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[2048];
        var from = _streamSocket!.CreateAddressBuffer();
        while (!cancellationToken.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await _streamSocket.ReceiveFromAsync(buffer, from, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (System.Net.Sockets.SocketException) { continue; }
            Interlocked.Increment(ref Counters.streamPortDatagrams);
            if (!RtcpPacket.IsRtcp(buffer.AsSpan(0, length)))
                Interlocked.Increment(ref Counters.streamPortJunk);
        }
    }

    /// <summary>Once a second: expire silent listeners.</summary>
    private async Task MaintainAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Clamp(_options.ListenerExpirySeconds * 100, 50, 1000)));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var expired = Listeners.ExpireSilent();
                if (expired > 0)
                    _log.LogInformation("{Count} listener(s) expired after {Seconds} s without a heartbeat.", expired, _options.ListenerExpirySeconds);
            }
        }
        catch (OperationCanceledException) { }
    }

    private void OnListenerCountChanged(int count)
    {
        _control?.Broadcast("listenerCount", new ListenerCountEvent(count, _options.MaxListeners));
    }

    private static InvalidOperationException NotStarted() => new("The station is not started.");

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _parts.Director.TrackChanged -= OnTrackChanged;
        _pump?.Dispose();
        _stopping.Cancel();
        if (_control is not null) await _control.DisposeAsync().ConfigureAwait(false);
        _streamSocket?.Dispose();
        _heartbeatSocket?.Dispose();
        _multicastSocket?.Dispose();
        try { await Task.WhenAll(_loops).ConfigureAwait(false); }
        catch (Exception e) { _log.LogDebug(e, "A station loop ended with an error while stopping."); }
        _packetizer?.Dispose();
        if (OwnsDirector && _parts.Director is IAsyncDisposable director)
            await director.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
