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
    }

    /// <summary>A player of an SRTP stream: packets that fail authentication are counted and dropped, replays count as duplicates.</summary>
    public PlayerPipeline(IDatagramSocket socket, IAudioDecoder decoder, IAudioPlayback playback, PlayerPipelineOptions options, SrtpContext srtp)
        : this(socket, decoder, playback, options, unprotect: null)
    {
        ArgumentNullException.ThrowIfNull(srtp);
        _srtp = srtp;
    }

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
                    b.Underruns, b.Overflows, _junk, _unauthenticated, _decodeErrors, _senderReports, b.Buffered, b.Target, _replayed);
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
        var play = Task.Run(() => PlayLoopAsync(stop.Token), CancellationToken.None);
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
                // SRTCP is not verified here, so with SRTP on, RTCP is ignored rather than trusted.
                if (!Encrypted && RtcpSenderReport.TryParse(datagram, out var report) && report.Ssrc == _ssrc)
                {
                    _lastSenderReport = report;
                    _senderReports++;
                }
                else
                {
                    _junk++;
                }
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
            if (_buffer.Insert(header, packet.Slice(header.PayloadOffset, header.PayloadLength)) == JitterInsertResult.TooLarge)
                _junk++;
        }
    }

    private async Task PlayLoopAsync(CancellationToken cancellationToken)
    {
        var payload = new byte[_options.JitterBuffer.MaxPayloadBytes];
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
                lock (_lock)
                {
                    // No packet for a target's worth of time: the stream stalled or ended, so play out what is held.
                    var stalled = _ssrc is not null && Stopwatch.GetElapsedTime(_lastPacketTimestamp) >= _buffer.Target;
                    result = _buffer.Pop(payload, out length, out _, drain: stalled);
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
                if (!decoded) samples = Conceal(frame);
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
