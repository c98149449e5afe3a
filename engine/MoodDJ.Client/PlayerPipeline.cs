using System.Diagnostics;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Codecs;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Media.Srtp;
using MoodDJ.Media;

namespace MoodDJ.Client;

/// <summary>
/// A player's chain: socket → (SRTP unprotect) → RTP parse → de-duplicate and reorder in the
/// <see cref="JitterBuffer"/> → decode or conceal → <see cref="IAudioPlayback"/>, paced by a clock.
/// Two loops share the buffer under a lock: one receives datagrams, one plays a frame per tick.
/// Loss is never fatal and junk is counted and dropped. Buffers are allocated once.
/// Over 300 lines: the receive path (SRTP, SRTCP reports, jitter measure) and the unsynchronized play
/// loop share its buffer and lock; synchronized play-out is its own type (<see cref="SyncedPlayout"/>).
/// </summary>
public sealed class PlayerPipeline
{
    private const int MaxDatagram = 65536;

    private readonly IDatagramSocket _socket;
    private readonly IAudioDecoder _decoder;
    private readonly IAudioPlayback _playback;
    private readonly PlayerPipelineOptions _options;
    private readonly PacketUnprotector? _unprotect;
    private readonly SrtpContext? _srtp;
    private readonly SrtcpContext? _srtcp;
    private readonly InterarrivalJitter _jitter;
    private uint? _playoutDelayMicroseconds;
    private uint? _flushFrom;
    private readonly JitterBuffer _buffer;
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _firstSample = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private uint? _ssrc;
    private long _lastPacketTimestamp;
    private long _datagrams, _junk, _unauthenticated, _replayed, _decodeErrors, _senderReports;
    private RtcpSenderReport? _lastSenderReport;
    private int _running;

    public PlayerPipeline(IDatagramSocket socket, IAudioDecoder decoder, IAudioPlayback playback, PlayerPipelineOptions options,
        PacketUnprotector? unprotect = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(playback);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _socket = socket;
        _decoder = decoder;
        _playback = playback;
        _options = options;
        _unprotect = unprotect;
        _buffer = new JitterBuffer(options.JitterBuffer);
        _jitter = new InterarrivalJitter(options.JitterBuffer.ClockRate);
    }

    /// <summary>A player of an SRTP stream: packets that fail authentication are counted and dropped, replays count as duplicates.</summary>
    /// <summary>With <paramref name="srtcp"/> (the same keys), SRTCP sender reports are verified and used; without it RTCP is ignored.</summary>
    public PlayerPipeline(IDatagramSocket socket, IAudioDecoder decoder, IAudioPlayback playback, PlayerPipelineOptions options, SrtpContext srtp,
        SrtcpContext? srtcp = null)
        : this(socket, decoder, playback, options, unprotect: null)
    {
        ArgumentNullException.ThrowIfNull(srtp);
        _srtp = srtp;
        _srtcp = srtcp;
    }

    /// <summary>
    /// The station clock as this player estimates it (the heartbeat client's round trips). With it and
    /// <see cref="PlayerPipelineOptions.Synchronized"/>, frames play at capture time + the station's play-out delay.
    /// </summary>
    public ClockOffsetEstimator? StationClock { get; set; }

    /// <summary>The station-wide play-out delay from the newest report (null before one came).</summary>
    public TimeSpan? PlayoutDelay { get { lock (_lock) return _playoutDelayMicroseconds is { } us ? TimeSpan.FromTicks(us * 10L) : null; } }

    /// <summary>The RFC 3550 interarrival jitter measured so far.</summary>
    public TimeSpan Jitter { get { lock (_lock) return _jitter.Jitter; } }

    /// <summary>Synchronized play-out's last measured error (positive: behind the station's schedule) and resampling ratio; null when not synchronized.</summary>
    public (TimeSpan Error, double Ratio, long Realigns)? Sync => _synced is { } s ? (TimeSpan.FromSeconds(s.Last.Error), s.Last.Ratio, s.Realigns) : null;

    private SyncedPlayout? _synced;

    /// <summary>Flushes (pause, skip) the station announced.</summary>
    public long Flushes { get; private set; }

    internal Lock Gate => _lock;
    internal JitterBuffer Buffer => _buffer;
    internal IAudioPlayback Playback => _playback;
    internal PlayerPipelineOptions Options => _options;
    internal uint? StreamSsrc => _ssrc;

    /// <summary>The flush point the station announced last, taken once (under <see cref="Gate"/>).</summary>
    internal uint? TakeFlush()
    {
        var flush = _flushFrom;
        _flushFrom = null;
        return flush;
    }

    internal uint? PlayoutDelayMicroseconds => _playoutDelayMicroseconds;

    internal RtcpSenderReport? LastSenderReportUnlocked => _lastSenderReport;

    internal void MarkFirstSample() => _firstSample.TrySetResult();

    internal int DecodeFrame(ReadOnlySpan<byte> payload, Span<float> frame) => Decode(payload, frame);

    internal int ConcealFrame(Span<float> frame) => Conceal(frame);

    /// <summary>A lost frame rebuilt from the next packet's in-band FEC (Opus), or concealed when the codec has none.</summary>
    internal int RecoverFrame(ReadOnlySpan<byte> nextPayload, Span<float> frame)
    {
        try
        {
            var samples = _decoder.Recover(nextPayload, frame);
            if (samples > 0) Interlocked.Increment(ref _recovered);
            return samples;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidDataException)
        {
            return Conceal(frame);
        }
    }

    private long _recovered;

    private bool Encrypted => _srtp is not null || _unprotect is not null;

    /// <summary>Completes when the first decoded (not concealed) sample has been handed to the output.</summary>
    public Task FirstSamplePlayed => _firstSample.Task;

    /// <summary>The stream's SSRC once the first packet arrived.</summary>
    public uint? Ssrc { get { lock (_lock) return _ssrc; } }

    /// <summary>The newest RTCP sender report received on the stream port (RFC 5761 multiplexing).</summary>
    public RtcpSenderReport? LastSenderReport { get { lock (_lock) return _lastSenderReport; } }

    public PlayerStats Stats
    {
        get
        {
            lock (_lock)
            {
                var b = _buffer.Stats;
                return new PlayerStats(_datagrams, b.Received, b.Lost, b.Late, b.Duplicates + _replayed, b.Played, b.Concealed,
                    b.Underruns, b.Overflows, _junk, _unauthenticated, _decodeErrors, _senderReports, b.Buffered, b.Target, _replayed, Interlocked.Read(ref _recovered));
            }
        }
    }

    /// <summary>Receives and plays until <paramref name="cancellationToken"/> is cancelled, then completes normally.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) != 0)
            throw new InvalidOperationException("This player pipeline is already running.");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var receive = _options.ReceiveFromSocket ? Task.Run(() => ReceiveLoopAsync(stop.Token), CancellationToken.None)
            : Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        var play = _options.Synchronized && StationClock is not null
            ? Task.Run(() => (_synced = new SyncedPlayout(this, StationClock)).RunAsync(stop.Token), CancellationToken.None)
            : Task.Run(() => PlayLoopAsync(stop.Token), CancellationToken.None);
        try
        {
            // Either loop failing (the output broke) stops the other.
            await Task.WhenAny(receive, play).ConfigureAwait(false);
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(receive, play).ConfigureAwait(false);
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var datagram = new byte[MaxDatagram];
        var from = _socket.CreateAddressBuffer();
        while (!cancellationToken.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await _socket.ReceiveFromAsync(datagram, from, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            Accept(datagram.AsSpan(0, length));
        }
    }

    /// <summary>Hands in one datagram read elsewhere (see <see cref="PlayerPipelineOptions.ReceiveFromSocket"/>); it may be decrypted in place.</summary>
    public void Deliver(Span<byte> datagram) => Accept(datagram);

    /// <summary>Takes one datagram: a packet of this stream goes to the jitter buffer, anything else is counted.</summary>
    internal void Accept(Span<byte> datagram)
    {
        lock (_lock)
        {
            _datagrams++;
            if (RtcpPacket.IsRtcp(datagram))
            {
                AcceptRtcp(datagram);
                return;
            }
            var length = datagram.Length;
            if (_srtp is not null)
            {
                if (!_srtp.TryUnprotect(datagram, length, out length, out var error))
                {
                    if (error == SrtpError.Replayed) _replayed++;
                    else _unauthenticated++;
                    return;
                }
            }
            else if (_unprotect is not null)
            {
                if (length < RtpHeader.FixedLength || !_unprotect(datagram, length, out length))
                {
                    _unauthenticated++;
                    return;
                }
            }
            var packet = datagram[..length];
            if (!RtpHeader.TryParse(packet, out var header) || header.PayloadType != _options.PayloadType)
            {
                _junk++;
                return;
            }
            var now = Stopwatch.GetTimestamp();
            if (_ssrc != header.Ssrc)
            {
                if (_ssrc is not null && Stopwatch.GetElapsedTime(_lastPacketTimestamp, now) < _options.SourceSwitchAfter)
                {
                    _junk++; // another source while ours is alive
                    return;
                }
                if (_ssrc is not null) _buffer.Reset();
                _ssrc = header.Ssrc;
            }
            _lastPacketTimestamp = now;
            var inserted = _buffer.Insert(header, packet.Slice(header.PayloadOffset, header.PayloadLength));
            if (inserted == JitterInsertResult.TooLarge)
                _junk++;
            else if (inserted != JitterInsertResult.Duplicate)
                Measure(now, header.Timestamp);
        }
    }

    /// <summary>RFC 3550 jitter from each arrival; with an adaptive buffer, the target follows it and the loss.</summary>
    private void Measure(long now, uint timestamp)
    {
        _jitter.Update(now, timestamp);
        var options = _options.JitterBuffer;
        if (!options.Adaptive) return;
        var stats = _buffer.Stats;
        var loss = stats.Received + stats.Lost > 0 ? (double)(stats.Lost + stats.Late) / (stats.Received + stats.Lost) : 0;   // late is lost to the ear
        var frame = TimeSpan.FromSeconds((double)_options.FrameTicks / options.ClockRate);
        _need = _jitter.Target(_options.OutputLead + _options.OutputLatency + 2 * frame, frame, loss, TimeSpan.Zero, options.MaxDepth);
        _buffer.SetTarget(_need);
    }

    private TimeSpan _need;

    /// <summary>
    /// The depth this player's wire needs (output lead, device latency, two frames (one held, one the resampler looks into), four jitters, loss
    /// margin), without the configured floor: what it reports, so the station's play-out delay follows the network.
    /// </summary>
    public TimeSpan JitterNeed { get { lock (_lock) return _options.JitterBuffer.Adaptive ? _need : _buffer.Target; } }

    /// <summary>
    /// RTCP muxed on the stream port: SRTCP verified with the stream's keys (RTCP on an SRTP stream
    /// without them is not trusted), then the sender report, play-out delay and flush are kept.
    /// </summary>
    private void AcceptRtcp(Span<byte> datagram)
    {
        var length = datagram.Length;
        if (_srtcp is not null)
        {
            if (!_srtcp.TryUnprotect(datagram, length, out length, out var error))
            {
                if (error == SrtpError.Replayed) _replayed++;
                else _unauthenticated++;
                return;
            }
        }
        else if (Encrypted)
        {
            _junk++;
            return;
        }
        var rtcp = datagram[..length];
        if (!RtcpSenderReport.TryParse(rtcp, out var report) || (_ssrc is not null && report.Ssrc != _ssrc))
        {
            _junk++;
            return;
        }
        _lastSenderReport = report;
        _senderReports++;
        if (RtcpPlayout.TryFind(rtcp, RtcpPlayout.DelaySubtype, out var delay)) _playoutDelayMicroseconds = delay;
        if (RtcpPlayout.TryFind(rtcp, RtcpPlayout.FlushSubtype, out var from))
        {
            _flushFrom = from;
            Flushes++;
        }
    }

    private async Task PlayLoopAsync(CancellationToken cancellationToken)
    {
        var payload = new byte[_options.JitterBuffer.MaxPayloadBytes];
        var nextPayload = new byte[_options.JitterBuffer.MaxPayloadBytes];   // the packet after a gap, for FEC
        var frame = new float[_options.MaxFrameSamples];
        var format = _playback.Format;
        using var timer = new PeriodicTimer(_options.Tick);
        long anchor = 0;          // Stopwatch time play-out (re)started
        long playedSamples = 0;   // interleaved samples written since the anchor
        var anchored = false;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                JitterPopResult result;
                int length;
                var nextLength = 0;
                lock (_lock)
                {
                    // No packet for a target's worth of time: the stream stalled or ended, so play out what is held.
                    var stalled = _ssrc is not null && Stopwatch.GetElapsedTime(_lastPacketTimestamp) >= _buffer.Target;
                    result = _buffer.Pop(payload, out length, out _, drain: stalled);
                    if (result == JitterPopResult.Missing) _buffer.TryPeekNext(nextPayload, out nextLength);
                }

                if (result == JitterPopResult.Buffering)
                {
                    anchored = false;
                    await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }
                if (!anchored)
                {
                    anchor = Stopwatch.GetTimestamp();
                    playedSamples = 0;
                    anchored = true;
                }

                var samples = result == JitterPopResult.Packet ? Decode(payload.AsSpan(0, length), frame) : 0;
                var decoded = samples > 0;
                // After a gap with the next packet already here, its in-band FEC can rebuild the lost frame.
                if (!decoded) samples = nextLength > 0 ? RecoverFrame(nextPayload.AsSpan(0, nextLength), frame) : Conceal(frame);
                if (samples <= 0) continue;

                await _playback.WriteAsync(frame.AsMemory(0, samples), cancellationToken).ConfigureAwait(false);
                if (decoded) _firstSample.TrySetResult();
                playedSamples += samples;

                if (_options.PaceWithClock)
                {
                    var due = TimeSpan.FromSeconds((double)playedSamples / format.Channels / format.SampleRate) - _options.OutputLead;
                    while (Stopwatch.GetElapsedTime(anchor) < due)
                        await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private int Decode(ReadOnlySpan<byte> payload, Span<float> frame)
    {
        try
        {
            var samples = _decoder.Decode(payload, frame);
            if (samples > 0) return samples;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidDataException or IndexOutOfRangeException)
        {
            // A payload the codec refuses is concealed like a lost one.
        }
        Interlocked.Increment(ref _decodeErrors);
        return 0;
    }

    private int Conceal(Span<float> frame)
    {
        try
        {
            return _decoder.Conceal(frame);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            Interlocked.Increment(ref _decodeErrors);
            return 0;
        }
    }
}
