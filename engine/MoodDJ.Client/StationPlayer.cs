using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Codecs;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Media.Srtp;
using MoodDJ.Media;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Client;

/// <summary>
/// A listener of a station: subscribes over control (through <see cref="SubscribeAsync"/>, so any
/// client can carry it), receives on its own UDP port through a <see cref="PlayerPipeline"/> into
/// an output, keeps the subscription alive with heartbeats, and subscribes again by itself when the
/// station forgets it or goes silent (a restart), keeping the same port and output. When the output
/// fails it leaves the station (no ghost listener) and <see cref="RunAsync"/> throws
/// <see cref="AudioOutputFailedException"/>.
/// A little over 300 lines: the subscribe/re-subscribe cycle, heartbeats and the NAT punch share the
/// player's one socket and lifetime; options, volume and the pipeline are already their own types.
/// </summary>
public sealed class StationPlayer
{
    /// <summary>Asks the station for the stream at <c>port</c>; returns the subscribe reply.</summary>
    public delegate Task<SubscribeResult> SubscribeAsync(int port, CancellationToken cancellationToken);

    private readonly IStreamTransport _transport;
    private readonly IAudioCodec _codec;
    private readonly IAudioOutput _output;
    private VolumePlayback? _playback;
    private (int Volume, bool Muted) _volume = (100, false);
    private readonly IPAddress _stationHost;
    private readonly SubscribeAsync _subscribe;
    private readonly StationPlayerOptions _options;
    private readonly ILogger _log;
    private readonly TaskCompletionSource<int> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PlayerPipeline? _pipeline;
    private PlayerStats _finished;
    private int _subscriptions;

    public StationPlayer(IStreamTransport transport, IAudioCodec codec, IAudioOutput output, IPAddress stationHost,
        SubscribeAsync subscribe, StationPlayerOptions? options = null, ILogger? log = null)
    {
        _transport = transport;
        _codec = codec;
        _output = output;
        _stationHost = stationHost;
        _subscribe = subscribe;
        _options = options ?? new StationPlayerOptions();
        _log = log ?? NullLogger.Instance;
    }

    /// <summary>
    /// Finds the codec for the encoding the station announces on subscribe (e.g. <c>MoodDJEngine.CodecFor</c>),
    /// so the player follows the station's codec; without it the codec given to the constructor must match.
    /// </summary>
    public Func<string, IAudioCodec?>? CodecFor { get; init; }

    /// <summary>
    /// Tells the station to drop a listener by its token (e.g. <see cref="StationControlClient.UnsubscribeAsync"/>);
    /// called when the output fails, besides the leave datagram. Optional.
    /// </summary>
    public Func<string, CancellationToken, Task>? Unsubscribe { get; init; }

    /// <summary>
    /// Sends the station this subscription's reception (e.g. <see cref="StationControlClient.ReportAsync"/>)
    /// every <see cref="StationPlayerOptions.ReportInterval"/>, so the server can show loss and buffer. Optional.
    /// </summary>
    public Func<ReportParams, CancellationToken, Task>? Report { get; init; }

    /// <summary>
    /// Relays the stream when the station made this a relaying subscription (`mooddj peer`): the relay
    /// reads the socket and feeds the pipeline. Optional; plain players leave it null.
    /// </summary>
    public IStreamRelay? Relay { get; init; }

    /// <summary>Volume 0–100 this player plays at (set by the station's <c>volume</c> notification through <see cref="Apply"/>).</summary>
    public int Volume => _volume.Volume;

    public bool Muted => _volume.Muted;

    /// <summary>Plays at <paramref name="volume"/> % (silent when <paramref name="muted"/>) from the next frame on.</summary>
    public void SetVolume(int volume, bool muted = false)
    {
        _volume = (Math.Clamp(volume, 0, 100), muted);
        _playback?.Set(_volume.Volume, _volume.Muted);
    }

    /// <summary>
    /// Applies a <c>volume</c> notification when it is for this player's listener (its token); returns
    /// whether it was. Wire it as <c>client.VolumeChanged += e => player.Apply(e)</c>.
    /// </summary>
    public bool Apply(VolumeEvent volume)
    {
        if (Subscription?.Token != volume.Token) return false;
        SetVolume(volume.Volume, volume.Muted);
        return true;
    }

    /// <summary>The UDP port the player listens on, once bound.</summary>
    public Task<int> Port => _bound.Task;

    /// <summary>How many times it subscribed (1 + re-subscriptions).</summary>
    public int Subscriptions => Volatile.Read(ref _subscriptions);

    /// <summary>The current subscription's reply.</summary>
    public SubscribeResult? Subscription { get; private set; }

    /// <summary>The pipeline playing now (null between subscriptions).</summary>
    public PlayerPipeline? Pipeline => Volatile.Read(ref _pipeline);

    /// <summary>Stats summed over every subscription so far.</summary>
    public PlayerStats Stats => Pipeline is { } playing ? Add(_finished, playing.Stats) : _finished;

    /// <summary>Completes when the first subscription's pipeline played its first decoded sample.</summary>
    public Task FirstSamplePlayed => _firstSample.Task;

    private readonly TaskCompletionSource _firstSample = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Plays until cancelled, re-subscribing whenever the subscription is lost.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var socket = _transport.Open(new DatagramSocketOptions
        {
            LocalEndPoint = new IPEndPoint(_options.Bind, _options.Port),
            ReceiveBufferBytes = _options.ReceiveBufferBytes,
        });
        _bound.TrySetResult(socket.LocalEndPoint.Port);
        try
        {
            await SubscribeAndPlayAsync(socket, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (_playback is not null)
                await _playback.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task SubscribeAndPlayAsync(IDatagramSocket socket, CancellationToken cancellationToken)
    {
        var delay = _options.RetryDelay;
        while (!cancellationToken.IsCancellationRequested)
        {
            SubscribeResult subscription;
            try
            {
                subscription = await _subscribe(socket.LocalEndPoint.Port, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                _log.LogWarning("Subscribing failed ({Error}); trying again in {Delay} ms.", e.Message, delay.TotalMilliseconds);
                try { await Task.Delay(delay, cancellationToken).ConfigureAwait(false); } catch (OperationCanceledException) { return; }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
                continue;
            }
            delay = _options.RetryDelay;
            Interlocked.Increment(ref _subscriptions);
            Subscription = subscription;
            var loss = await PlayAsync(socket, subscription, cancellationToken).ConfigureAwait(false);
            if (loss == SubscriptionLoss.Stopped) return;
            _log.LogInformation("The station {Why}; subscribing again.", loss == SubscriptionLoss.Forgotten ? "forgot this listener" : "went silent");
        }
    }

    private IAudioCodec CodecOf(SubscribeResult subscription)
    {
        if (string.Equals(_codec.EncodingName, subscription.Codec, StringComparison.OrdinalIgnoreCase)) return _codec;
        return CodecFor?.Invoke(subscription.Codec) ?? throw new NotSupportedException(
            $"The station sends {subscription.Codec}, but this player has only {_codec.EncodingName}: install the {subscription.Codec} codec plugin.");
    }

    private async Task<SubscriptionLoss> PlayAsync(IDatagramSocket socket, SubscribeResult subscription, CancellationToken cancellationToken)
    {
        var format = new AudioFormat(subscription.SampleRate, subscription.Channels);
        if (_playback is null || _playback.Format != format)
        {
            // The output opens once and stays open across re-subscriptions (same format).
            if (_playback is not null) await _playback.DisposeAsync().ConfigureAwait(false);
            _playback = null;
            try
            {
                _playback = new VolumePlayback(await _output.OpenAsync(format, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // No heartbeat was sent yet, so unsubscribing (when the owner can) is the whole leave; else expiry removes it.
                await UnsubscribeQuietlyAsync(subscription.Token).ConfigureAwait(false);
                throw new AudioOutputFailedException($"The audio output could not open, so the player left the station: {e.Message}", e);
            }
            _playback.Set(_volume.Volume, _volume.Muted);
        }
        var frameSamples = subscription.SampleRate * subscription.FrameMilliseconds / 1000;
        using var decoder = CodecOf(subscription).CreateDecoder(format, frameSamples);
        var relayed = Relay is not null && subscription.Mesh is not null;
        // A relay verifies and decrypts mesh packets before it delivers them; the pipeline then sees plain RTP.
        using var srtp = !relayed && subscription.Srtp is { } keys ? SrtpContext.Create(SrtpKeys.FromInlineBase64(keys.KeyParams)) : null;
        using var srtcp = !relayed && subscription.Srtp is { } rtcpKeys ? SrtcpContext.Create(SrtpKeys.FromInlineBase64(rtcpKeys.KeyParams)) : null;
        var options = new PlayerPipelineOptions
        {
            PayloadType = (byte)subscription.PayloadType,
            ReceiveFromSocket = !relayed,
            JitterBuffer = new JitterBufferOptions
            {
                ClockRate = subscription.ClockRate,
                TargetDepth = _options.JitterDepth,
                TrimAbove = _options.TrimAbove,
                Adaptive = _options.AdaptiveJitter,
                MinDepth = _options.JitterDepth,
                MaxDepth = _options.JitterDepth > _options.JitterMaxDepth ? _options.JitterDepth : _options.JitterMaxDepth,
                PacketDurationHint = TimeSpan.FromMilliseconds(subscription.FrameMilliseconds),
            },
            Synchronized = _options.Synchronized,
            OutputLatency = _options.OutputLatency,
            OnPlayout = _options.OnPlayout,
            FrameTicks = Math.Max(1, subscription.ClockRate * subscription.FrameMilliseconds / 1000),
        };
        var pipeline = srtp is null
            ? new PlayerPipeline(socket, decoder, _playback, options)
            : new PlayerPipeline(socket, decoder, _playback, options, srtp, srtcp);
        HeartbeatDatagram.TryParseToken(subscription.Token, out var token);
        using var heartbeats = new HeartbeatClient(_transport, new IPEndPoint(_stationHost, subscription.HeartbeatPort), token,
            TimeSpan.FromMilliseconds(subscription.HeartbeatIntervalMs), TimeSpan.FromMilliseconds(subscription.ExpiryMs),
            _options.Bind.Equals(IPAddress.Any) ? null : _options.Bind);
        pipeline.StationClock = heartbeats.Clock;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Volatile.Write(ref _pipeline, pipeline);
        _ = pipeline.FirstSamplePlayed.ContinueWith(_ => _firstSample.TrySetResult(), TaskScheduler.Default);
        var playing = pipeline.RunAsync(stop.Token);
        var relaying = relayed ? RelayAsync(socket, subscription, pipeline, stop.Token) : Task.CompletedTask;
        // The punch leaves before the first heartbeat: a relaying peer gets no stream until the station hears one.
        var punching = StreamPortPunch.RunAsync(socket, new IPEndPoint(_stationHost, subscription.StreamPort), (uint)Random.Shared.Next(), stop.Token);
        var heartbeating = heartbeats.RunAsync(stop.Token);
        var reporting = Report is null ? Task.CompletedTask : ReportAsync(pipeline, subscription.Token, stop.Token);
        if (await Task.WhenAny(playing, heartbeating).ConfigureAwait(false) == playing && !cancellationToken.IsCancellationRequested)
        {
            // The pipeline ended by itself: the output failed. Leave at once (and unsubscribe, when
            // the owner can) so the station does not keep sending to a ghost until expiry.
            stop.Cancel();
            await heartbeating.ConfigureAwait(false);
            await reporting.ConfigureAwait(false);
            await relaying.ConfigureAwait(false);
            await punching.ConfigureAwait(false);
            await LeaveAsync(heartbeats, subscription.Token).ConfigureAwait(false);
            _finished = Add(_finished, pipeline.Stats);
            Volatile.Write(ref _pipeline, null);
            try
            {
                await playing.ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new AudioOutputFailedException($"The audio output failed, so the player left the station: {e.Message}", e);
            }
            throw new AudioOutputFailedException("The audio output stopped, so the player left the station.");
        }
        var loss = await heartbeating.ConfigureAwait(false);
        if (cancellationToken.IsCancellationRequested)
            await heartbeats.LeaveAsync(CancellationToken.None).ConfigureAwait(false);
        stop.Cancel();
        await reporting.ConfigureAwait(false);
        await relaying.ConfigureAwait(false);
        await punching.ConfigureAwait(false);
        try { await playing.ConfigureAwait(false); }
        catch (Exception e) when (e is not OperationCanceledException) { _log.LogWarning(e, "The player pipeline failed."); }
        _finished = Add(_finished, pipeline.Stats);
        Volatile.Write(ref _pipeline, null);
        return cancellationToken.IsCancellationRequested ? SubscriptionLoss.Stopped : loss;
    }

    private async Task ReportAsync(PlayerPipeline pipeline, string token, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.ReportInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var stats = pipeline.Stats;
                try
                {
                    await Report!(new ReportParams(token, stats.Received, stats.Lost, stats.Late,
                        (int)stats.Buffered.TotalMilliseconds, (int)Math.Ceiling(pipeline.JitterNeed.TotalMilliseconds / 5) * 5, Relay?.DescribeMesh()), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A report is best effort: a reconnecting client must not stop the music.
                    _log.LogDebug("Reporting reception failed: {Error}", e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RelayAsync(IDatagramSocket socket, SubscribeResult subscription, PlayerPipeline pipeline, CancellationToken cancellationToken)
    {
        try { await Relay!.RunAsync(socket, subscription, pipeline, cancellationToken).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        catch (Exception e) { _log.LogWarning("The relay stopped: {Error}", e.Message); }
    }

    private async Task LeaveAsync(HeartbeatClient heartbeats, string token)
    {
        try { await heartbeats.LeaveAsync(CancellationToken.None).ConfigureAwait(false); }
        catch (Exception e) { _log.LogDebug("Sending leave failed: {Error}", e.Message); }
        await UnsubscribeQuietlyAsync(token).ConfigureAwait(false);
    }

    private async Task UnsubscribeQuietlyAsync(string token)
    {
        if (Unsubscribe is null) return;
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await Unsubscribe(token, limit.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The leave datagram (or, failing that, expiry) still removes the listener.
            _log.LogDebug("Unsubscribing failed: {Error}", e.Message);
        }
    }

    private static PlayerStats Add(PlayerStats a, PlayerStats b) => new(
        Datagrams: a.Datagrams + b.Datagrams, Received: a.Received + b.Received, Lost: a.Lost + b.Lost, Late: a.Late + b.Late,
        Duplicates: a.Duplicates + b.Duplicates, Played: a.Played + b.Played, Concealed: a.Concealed + b.Concealed,
        Underruns: a.Underruns + b.Underruns, Overflows: a.Overflows + b.Overflows, Junk: a.Junk + b.Junk,
        Unauthenticated: a.Unauthenticated + b.Unauthenticated, DecodeErrors: a.DecodeErrors + b.DecodeErrors,
        SenderReports: a.SenderReports + b.SenderReports, Buffered: b.Buffered, Target: b.Target, Replayed: a.Replayed + b.Replayed);
}

/// <summary>The player's audio output failed; the player left the station and stopped.</summary>
public sealed class AudioOutputFailedException(string message, Exception? inner = null) : IOException(message, inner);
