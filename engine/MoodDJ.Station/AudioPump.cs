using System.Diagnostics;
using Microsoft.Extensions.Logging;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Codecs;
using MoodDJ.Media;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Hosting;

namespace MoodDJ.Station;

/// <summary>
/// The station's heart, on its own thread: every frame period it pulls one frame of the program
/// (or silence while paused: the RTP clock keeps running, so players keep their buffers), encodes
/// and packetizes it once, and hands the packet to the fan-out. Reads, encodes and sends reuse the same buffers, so steady state allocates nothing.
/// </summary>
internal sealed class AudioPump : IDisposable
{
    /// <summary>Reads the next stretch of the program (the music director's continuous output).</summary>
    public delegate ValueTask<int> ProgramReader(Memory<float> buffer, CancellationToken cancellationToken);

    private readonly ProgramReader _read;
    private readonly RtpPacketizer _packetizer;
    private readonly PacingClock _clock;
    private readonly Action<ReadOnlySpan<byte>, RtpPacketizer> _send;
    private readonly StationCounters _counters;
    private readonly ILogger _log;
    private readonly float[] _frame;
    private readonly float[] _program;   // what a program read writes (a late one keeps it past its frame)
    private readonly long _halfFrame;
    private Task<int>? _pendingRead;
    private readonly byte[] _packet;
    private readonly CancellationTokenSource _stop = new();
    private Thread? _thread;
    private volatile bool _paused;
    private long _readFailures;

    public AudioPump(
        ProgramReader read,
        RtpPacketizer packetizer,
        PacingClock clock,
        Action<ReadOnlySpan<byte>, RtpPacketizer> send,
        StationCounters counters,
        ILogger log)
    {
        _read = read;
        _packetizer = packetizer;
        _clock = clock;
        _send = send;
        _counters = counters;
        _log = log;
        _frame = new float[packetizer.FrameSamples];
        _program = new float[packetizer.FrameSamples];
        _halfFrame = (long)(clock.FrameDuration.TotalSeconds * Stopwatch.Frequency / 2);
        _packet = new byte[packetizer.MaxPacketBytes];
    }

    public RtpPacketizer Packetizer => _packetizer;

    public bool Paused { get => _paused; set => _paused = value; }

    public long ReadFailures => Interlocked.Read(ref _readFailures);

    public void Start()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "MoodDJ station pump", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public void Stop()
    {
        _stop.Cancel();
        if (_thread is { } t && t != Thread.CurrentThread)
            t.Join(TimeSpan.FromSeconds(5));
    }

    private void Run()
    {
        var token = _stop.Token;
        _clock.Restart();
        while (true)
        {
            var frames = _clock.WaitNext(token);
            if (frames == 0) return;
            Interlocked.Exchange(ref _counters.lateWakes, _clock.LateWakes);
            Interlocked.Exchange(ref _counters.resyncs, _clock.Resyncs);
            Interlocked.Exchange(ref _counters.droppedMilliseconds, (long)(_clock.FramesDropped * _clock.FrameDuration.TotalMilliseconds));
            for (var i = 0; i < frames && !token.IsCancellationRequested; i++)
            {
                // The frame's capture time is its slot in the schedule, not the (jittery) moment it is sent.
                var due = _clock.DueTimestamp(_clock.FramesReleased - frames + i + 1);
                // This frame may wait for the program until half a frame after its own slot, no longer.
                var readDeadline = due - _halfFrame;
                PumpOneFrame(token, readDeadline, due);
            }
        }
    }

    private void PumpOneFrame(CancellationToken token, long? readDeadline, long? nextDue)
    {
        if (_paused) Array.Clear(_frame);
        else FillFromProgram(token, readDeadline);

        var length = _packetizer.Packetize(_frame, _packet);
        // Sender reports name the next packet's timestamp, so they carry the next frame's slot.
        _packetizer.NextCaptureNtp = nextDue is { } ticks ? MediaClock.Shared.At(ticks) : null;
        _send(_packet.AsSpan(0, length), _packetizer);
        Interlocked.Increment(ref _counters.frames);
    }

    /// <summary>
    /// Takes this frame from the program. A read that does not finish by <paramref name="deadline"/> (a deck
    /// still decoding, a starved thread pool) is left running into <see cref="_program"/>: this frame is
    /// silence, and the audio is taken by the frame after it finishes. Waiting on it instead would send this
    /// and later frames after their scheduled capture time, so synchronized players would hear them late.
    /// </summary>
    private void FillFromProgram(CancellationToken token, long? deadline)
    {
        var filled = 0;
        try
        {
            if (_pendingRead is { } pending)
            {
                if (!Finished(pending, deadline)) { Array.Clear(_frame); return; }
                _pendingRead = null;
                filled = pending.GetAwaiter().GetResult();
                _program.AsSpan(0, Math.Max(0, filled)).CopyTo(_frame);
            }
            while (filled < _frame.Length)
            {
                var read = _read(_program.AsMemory(0, _frame.Length - filled), token);
                if (!read.IsCompleted)
                {
                    var task = read.AsTask();
                    if (!Finished(task, deadline))
                    {
                        _pendingRead = task;   // its audio goes out with a later frame
                        Interlocked.Increment(ref _counters.programLate);
                        break;
                    }
                    read = new ValueTask<int>(task);
                }
                var n = read.GetAwaiter().GetResult();
                if (n <= 0) break;
                _program.AsSpan(0, n).CopyTo(_frame.AsSpan(filled));
                filled += n;
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested) { }
        catch (Exception e)
        {
            _pendingRead = null;
            // A broken source must not stop the station: play silence and say why (once per burst).
            if (Interlocked.Increment(ref _readFailures) % 500 == 1)
                _log.LogError(e, "Reading the program failed; sending silence");
        }
        if (filled < _frame.Length)
            Array.Clear(_frame, filled, _frame.Length - filled);
    }

    /// <summary>Waits for <paramref name="read"/> until <paramref name="deadline"/> (Stopwatch; null: as long as it takes).</summary>
    private static bool Finished(Task<int> read, long? deadline)
    {
        if (read.IsCompleted) return true;
        try
        {
            if (deadline is not { } at) { read.Wait(); return true; }
            var left = at - Stopwatch.GetTimestamp();
            return left > 0 && read.Wait(TimeSpan.FromSeconds((double)left / Stopwatch.Frequency));
        }
        catch (AggregateException)
        {
            // Faulted or cancelled (the station stopping): finished; GetResult then throws the real
            // exception, which the caller handles (a cancel is quiet, a fault is logged once).
            return true;
        }
    }

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }
}
