using System.Diagnostics;
using MoodDJ.Media;

namespace MoodDJ.Client;

/// <summary>
/// Synchronized play-out (docs/protocol.md, "Synchronized play-out"): each frame is heard at its
/// capture time on the station clock plus the station's play-out delay. The station clock comes
/// from the heartbeat round trips (<see cref="ClockOffsetEstimator"/>), the capture time from the
/// newest sender report. Output blocks are written on a continuous local time line; before each
/// block the error between where the read position is and where it should be is measured, and a
/// PI controller sets the resampling ratio within ±<see cref="PlayerPipelineOptions.MaxCorrectionPpm"/>,
/// so the player follows the station's clock rate without dropping or repeating samples. Start-up
/// (and an error beyond 50 ms) aligns to the sample, so a late joiner is in sync at once. A flush
/// from the station (pause, skip) fades out what was queued before it.
/// A few lines over 300: the clock follow, the re-align and the flush share the read position and
/// the controller's state, and splitting them would pass that state around on every block.
/// </summary>
internal sealed class SyncedPlayout
{
    private const double ResyncSeconds = 0.05;

    /// <summary>
    /// A change of the station's play-out delay larger than this (2 ms, NTP units) re-aligns at once instead of
    /// slewing: at 0.2 % a 15 ms rise takes 7.5 s, during which a player that joins (or re-aligns) sits exactly on
    /// the new schedule and the others do not. Every player gets the same report, so they all step together.
    /// </summary>
    private static readonly long DelayStep = MediaClock.FromSeconds(0.002);

    private readonly PlayerPipeline _pipeline;
    private readonly ClockOffsetEstimator _clock;
    private readonly PlayerPipelineOptions _options;
    private readonly MediaClock _local = MediaClock.Shared;
    private readonly int _sampleRate, _channels, _clockRate, _block;
    private readonly double _ticksPerFrame;
    private readonly DriftResampler _resampler;
    private readonly byte[] _payload;
    private readonly byte[] _nextPayload;   // the packet after a gap, for FEC
    private readonly float[] _frame;
    private readonly float[] _out;
    private readonly long _lead, _latencyTicks;

    private bool _playing, _decodedPending, _freeRunning;
    private ulong _alignedDelay, _errorDelay;   // the play-out delay play-out was aligned to, and the newest
    private long _waitingSince;

    /// <summary>With packets but no sender report or clock for this long, play unsynchronized (a station without RTCP).</summary>
    private static readonly TimeSpan FreeRunAfter = TimeSpan.FromSeconds(3);
    private long _origin;             // extended RTP timestamp of the resampler's frame 0
    private long _next;               // extended RTP timestamp expected next
    private long _muteBefore = long.MinValue;
    private long _anchor;             // Stopwatch time the first output frame is written at
    private long _outFrames;
    private readonly RateController _rate;

    public SyncedPlayout(PlayerPipeline pipeline, ClockOffsetEstimator clock)
    {
        _pipeline = pipeline;
        _clock = clock;
        _options = pipeline.Options;
        var format = pipeline.Playback.Format;
        _sampleRate = format.SampleRate;
        _channels = format.Channels;
        _clockRate = _options.JitterBuffer.ClockRate;
        _ticksPerFrame = (double)_clockRate / _sampleRate;
        _block = Math.Max(1, (int)Math.Round(_options.FrameTicks / _ticksPerFrame));
        _resampler = new DriftResampler(_channels, Math.Max(_sampleRate * 2, _block * 8));
        _payload = new byte[_options.JitterBuffer.MaxPayloadBytes];
        _nextPayload = new byte[_options.JitterBuffer.MaxPayloadBytes];
        _frame = new float[_options.MaxFrameSamples];
        _out = new float[(_block + 8) * _channels];
        _lead = (long)(_options.OutputLead.TotalSeconds * Stopwatch.Frequency);
        _latencyTicks = (long)(_options.OutputLatency.TotalSeconds * Stopwatch.Frequency);
        _rate = new RateController(_options.MaxCorrectionPpm);
    }

    /// <summary>The last measured error (seconds; positive: playing behind the station's schedule) and ratio, for tests and stats.</summary>
    public (double Error, double Ratio) Last { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.Tick);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (!_playing && !TryStart())
                {
                    await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }
                if (!Error(out var error))
                {
                    if (!_freeRunning) { Realign(); continue; }
                    error = 0;
                }
                else if (_freeRunning || Math.Abs(error) > ResyncSeconds || Math.Abs((long)(_errorDelay - _alignedDelay)) > DelayStep)
                {
                    Realign();
                    continue;
                }
                var ratio = _rate.Next(error, (double)_block / _sampleRate);
                Last = (error, ratio);
                Fill(_block, ratio);
                TakeFlush();
                _resampler.Read(_out, _block, ratio);
                var samples = _out.AsMemory(0, _block * _channels);
                _options.OnPlayout?.Invoke(WriteTime(_outFrames) + _latencyTicks, samples);
                await _pipeline.Playback.WriteAsync(samples, cancellationToken).ConfigureAwait(false);
                if (_decodedPending) _pipeline.MarkFirstSample();
                _outFrames += _block;
                var due = WriteTime(_outFrames) - _lead;
                while (Stopwatch.GetTimestamp() < due)
                    await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private long WriteTime(long frames) => _anchor + (long)Math.Round((double)frames * Stopwatch.Frequency / _sampleRate);

    /// <summary>
    /// Where the station's schedule wants the read position now minus where it is, in seconds, for the
    /// next output frame. False when there is no sender report or delay to measure against.
    /// </summary>
    private bool Error(out double seconds)
    {
        seconds = 0;
        if (!Schedule(out var report, out var delay)) return false;
        _errorDelay = delay;
        // Small changes (the station lowers its delay 1 ms a step) are slewed; the new one is the reference.
        if (Math.Abs((long)(delay - _alignedDelay)) <= DelayStep) _alignedDelay = delay;
        var heardLocal = _local.At(WriteTime(_outFrames) + _latencyTicks);
        var heardStation = heardLocal + (ulong)_clock.OffsetAt(heardLocal);
        var capture = heardStation - delay;
        var reportRtp = Extend(report.RtpTimestamp, _origin);
        var target = reportRtp + MediaClock.Seconds((long)(capture - report.NtpTimestamp)) * _clockRate;
        var actual = _origin + _resampler.ReadPosition * _ticksPerFrame;
        seconds = (target - actual) / _clockRate;
        return true;
    }

    private bool Schedule(out RtcpSenderReport report, out ulong delay)
    {
        report = default;
        delay = 0;
        lock (_pipeline.Gate)
        {
            if (_pipeline.LastSenderReportUnlocked is not { } r || _pipeline.PlayoutDelayMicroseconds is not { } us) return false;
            if (_pipeline.StreamSsrc is { } ssrc && r.Ssrc != ssrc) return false;
            report = r;
            // A player asked for a deeper buffer than the station's delay (a mesh peer's failover margin) plays that far behind.
            delay = (ulong)MediaClock.FromSeconds(Math.Max(us / 1e6, _options.JitterBuffer.MinDepth.TotalSeconds));
            return true;
        }
    }

    /// <summary>Places the first buffered frame on the time line: waits for its moment, or skips into it when joining late.</summary>
    private bool TryStart()
    {
        if (!_clock.IsReady || !Schedule(out var report, out var delay))
        {
            if (_resampler.Written == 0 && !PushNext(onSchedule: false)) return false;
            if (_waitingSince == 0) _waitingSince = Stopwatch.GetTimestamp();
            if (Stopwatch.GetElapsedTime(_waitingSince) < FreeRunAfter) return false;
            _freeRunning = true;
            _anchor = Stopwatch.GetTimestamp() + _lead;
            _outFrames = 0;
            _playing = true;
            return true;
        }
        _freeRunning = false;
        _waitingSince = 0;
        while (true)
        {
            if (_resampler.Written == 0 && !PushNext(onSchedule: false)) return false;
            // When the resampler's frame 0 must be written, on this machine's Stopwatch.
            var reportRtp = Extend(report.RtpTimestamp, _origin);
            var capture = report.NtpTimestamp + (ulong)MediaClock.FromSeconds((_origin - reportRtp) / (double)_clockRate);
            var heardLocal = capture + delay - (ulong)_clock.OffsetAt(_local.Now);
            var writeAt = _local.ToStopwatch(heardLocal) - _latencyTicks;
            var now = Stopwatch.GetTimestamp();
            if (writeAt - now > _lead) return false;   // early: wait for its moment
            var anchor = Math.Max(writeAt, now);
            var skip = (double)(anchor - writeAt) * _sampleRate / Stopwatch.Frequency;
            while (_resampler.Written < skip + _block + 4)
            {
                // Joining late: what is held is already past; take newer packets until one lands ahead.
                if (!PushNext(onSchedule: false))
                {
                    _resampler.Reset();
                    return false;
                }
            }
            _resampler.Seek(skip);
            _alignedDelay = delay;
            _anchor = anchor;
            _outFrames = 0;
            _rate.Reset();
            _playing = true;
            return true;
        }
    }

    /// <summary>Times play-out was re-aligned to the sample (start-up excluded).</summary>
    public long Realigns { get; private set; }

    private void Realign()
    {
        Realigns++;
        _playing = false;
        _resampler.Reset();
        _rate.Reset();
    }

    /// <summary>Makes sure a block at <paramref name="ratio"/> can be read: takes packets, conceals gaps and underruns.</summary>
    private void Fill(int frames, double ratio)
    {
        while (!_resampler.CanRead(frames, ratio) && _resampler.Room >= _frame.Length / _channels)
            if (!PushNext(onSchedule: true)) break;   // a source switch emptied the buffer: read silence, realign next block
    }

    /// <summary>Decodes (or conceals) the next frame into the resampler; false when nothing is there to take.</summary>
    private bool PushNext(bool onSchedule)
    {
        JitterPopResult result;
        int length;
        uint timestamp;
        var nextLength = 0;
        lock (_pipeline.Gate)
        {
            result = onSchedule
                ? _pipeline.Buffer.PopOnSchedule(_payload, out length, out timestamp)
                : _pipeline.Buffer.Pop(_payload, out length, out timestamp, drain: true);
            if (result == JitterPopResult.Missing) _pipeline.Buffer.TryPeekNext(_nextPayload, out nextLength);
        }
        if (result == JitterPopResult.Buffering) return false;
        int samples;
        var decoded = false;
        if (result == JitterPopResult.Packet)
        {
            var at = _resampler.Written == 0 ? timestamp + (1L << 32) : Extend(timestamp, _next);
            if (_resampler.Written == 0)
            {
                _origin = _next = at;
            }
            else if (at != _next)
            {
                // A jump in media time (another timeline, or frames lost beyond the buffer's reach):
                // silence up to it if it is a short step forward, else start again from this packet.
                var gap = (at - _next) / _ticksPerFrame;
                if (gap < 0 || gap > _sampleRate)
                {
                    Realign();
                    _origin = _next = at;
                }
                else
                {
                    PushSilence((int)gap);
                }
            }
            samples = _pipeline.DecodeFrame(_payload.AsSpan(0, length), _frame);
            decoded = samples > 0;
            if (decoded && at < _muteBefore) Array.Clear(_frame, 0, samples);
        }
        else
        {
            if (_resampler.Written == 0) return false;   // nothing to conceal from yet
            samples = 0;
        }
        // After a gap with the next packet already here, its in-band FEC can rebuild the lost frame.
        if (!decoded) samples = nextLength > 0 ? _pipeline.RecoverFrame(_nextPayload.AsSpan(0, nextLength), _frame) : _pipeline.ConcealFrame(_frame);
        if (samples <= 0) samples = PushSilence(_block) * _channels;
        else if (!_resampler.Push(_frame.AsSpan(0, samples))) return false;
        _next += (long)Math.Round(samples / _channels * _ticksPerFrame);
        _decodedPending |= decoded;
        return true;
    }

    private int PushSilence(int frames)
    {
        Array.Clear(_frame);
        var left = frames;
        while (left > 0)
        {
            var n = Math.Min(left, _frame.Length / _channels);
            if (!_resampler.Push(_frame.AsSpan(0, n * _channels))) break;
            left -= n;
        }
        _next += (long)Math.Round((frames - left) * _ticksPerFrame);
        return 0;
    }

    /// <summary>A pause or skip at the station: what was queued before that point fades out now instead of playing.</summary>
    private void TakeFlush()
    {
        uint? flush;
        lock (_pipeline.Gate) flush = _pipeline.TakeFlush();
        if (flush is not { } from) return;
        var at = Extend(from, _next);
        _muteBefore = at;
        var untilFrame = (long)Math.Ceiling((at - _origin) / _ticksPerFrame);
        _resampler.FadeOut(untilFrame, Math.Max(1, _sampleRate / 200));   // 5 ms fade: no click
    }

    /// <summary>Widens a 32-bit RTP timestamp to the one nearest <paramref name="near"/>.</summary>
    private static long Extend(uint timestamp, long near) => near + (int)(timestamp - (uint)near);
}
