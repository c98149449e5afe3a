using System.Net.Sockets;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Hosting;

namespace MoodDJ.Station;

/// <summary>
/// Sends one finished RTP packet to every listener: copy into the listener's own buffer, protect it
/// with the listener's key, send the datagram and move on. When the transport hands over its OS socket
/// (<see cref="IDirectDatagramSocket"/>) the sends are synchronous, from the sending thread, in batches
/// (<see cref="DirectBatch"/>: sendmmsg on Linux), and the socket is never registered with .NET's epoll
/// engine, whose write-space wake-up per datagram cost about 15 % of the fan-out. Otherwise each send is
/// the transport's async send; a listener whose previous send is still pending simply misses this frame,
/// so one slow or broken receiver never delays the others. ICMP errors are ignored.
/// With many listeners, protecting and sending is the station's whole CPU budget; above
/// <see cref="ParallelThreshold"/> a helper thread takes the second half of the listeners so a
/// second core shares it. The pump waits for both halves before the next frame.
/// </summary>
internal sealed class RtpFanout
{
    /// <summary>Listeners at which the fan-out splits across two threads (SRTP for 1,000 listeners does not fit one core's frame budget).</summary>
    public const int DefaultParallelThreshold = 128;

    private readonly IDatagramSocket _socket;
    private readonly Socket? _direct;
    private readonly DirectBatch? _batch, _helperBatch;
    private readonly StationCounters _counters;
    private readonly CancellationToken _stopping;

    // The helper's share of the current frame: set by the pump before _go, read by the helper.
    private readonly byte[] _sharedPacket = new byte[Listener.MaxDatagramBytes];
    private readonly ManualResetEventSlim _go = new(false);
    private readonly ManualResetEventSlim _done = new(false);
    private Thread? _helper;
    private Listener[] _helperListeners = [];
    private int _sharedLength, _helperStart, _helperEnd, _helperStarted;

    public RtpFanout(IDatagramSocket socket, StationCounters counters, CancellationToken stopping, int parallelThreshold = DefaultParallelThreshold, bool direct = true)
    {
        _socket = socket;
        _counters = counters;
        if (direct && socket is IDirectDatagramSocket directSocket)
        {
            _direct = directSocket.Socket;
            _batch = new DirectBatch(_direct, counters);
            _helperBatch = new DirectBatch(_direct, counters);
        }
        _stopping = stopping;
        ParallelThreshold = Environment.ProcessorCount > 1 ? Math.Max(2, parallelThreshold) : int.MaxValue;
    }

    public int ParallelThreshold { get; }

    /// <summary>Sends <paramref name="rtp"/> to each of <paramref name="listeners"/>; returns how many sends started.</summary>
    public int Send(ReadOnlySpan<byte> rtp, Listener[] listeners)
    {
        if (listeners.Length < ParallelThreshold || rtp.Length > _sharedPacket.Length)
            return SendRange(rtp, listeners, 0, listeners.Length, _batch);

        EnsureHelper();
        var split = listeners.Length / 2;
        rtp.CopyTo(_sharedPacket);
        (_sharedLength, _helperListeners, _helperStart, _helperEnd) = (rtp.Length, listeners, split, listeners.Length);
        _done.Reset();
        _go.Set();
        var started = SendRange(rtp, listeners, 0, split, _batch);
        try
        {
            _done.Wait(_stopping);
        }
        catch (OperationCanceledException)
        {
            return started;
        }
        return started + _helperStarted;
    }

    private int SendRange(ReadOnlySpan<byte> rtp, Listener[] listeners, int start, int end, DirectBatch? batch)
    {
        if (batch is not null) return SendBatched(rtp, listeners, start, end, batch);
        var started = 0;
        for (var i = start; i < end; i++)
        {
            if (SendOne(rtp, listeners[i]))
                started++;
        }
        return started;
    }

    private void EnsureHelper()
    {
        if (_helper is not null) return;
        _helper = new Thread(RunHelper) { IsBackground = true, Name = "MoodDJ station fan-out", Priority = ThreadPriority.AboveNormal };
        _helper.Start();
    }

    private void RunHelper()
    {
        while (true)
        {
            try
            {
                _go.Wait(_stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _go.Reset();
            _helperStarted = SendRange(_sharedPacket.AsSpan(0, _sharedLength), _helperListeners, _helperStart, _helperEnd, _helperBatch);
            _helperListeners = [];
            _done.Set();
        }
    }

    /// <summary>Protects into each listener's buffer and queues it; the batch leaves in sendmmsg calls of up to 64.</summary>
    private int SendBatched(ReadOnlySpan<byte> rtp, Listener[] listeners, int start, int end, DirectBatch batch)
    {
        var queued = 0;
        for (var i = start; i < end; i++)
        {
            if ((i - start) % DirectBatch.Capacity == 0) Warm(listeners, i, Math.Min(end, i + DirectBatch.Capacity));
            var listener = listeners[i];
            if (listener.FedByPeers) continue;
            if (!listener.TryBeginSend())
            {
                Interlocked.Increment(ref _counters.framesSkippedBusy);
                continue;
            }
            int length;
            try
            {
                rtp.CopyTo(listener.Buffer);
                length = listener.Protector.Protect(listener.Buffer, rtp.Length);
            }
            catch (Exception e) when (e is ObjectDisposedException or ArgumentException or InvalidOperationException)
            {
                Complete(listener, ok: false);
                continue;
            }
            batch.Add(listener, length);
            queued++;
        }
        batch.Flush();
        return queued;
    }

    /// <summary>
    /// Starts loading the next batch's per-listener state (listener, protector, keys) before any of it is
    /// protected. Each listener's state is a short chain of objects, cold in the cache after the last
    /// sendmmsg; in this tight loop the CPU overlaps many listeners' misses, where the protect loop would
    /// wait for them one listener at a time.
    /// </summary>
    private static void Warm(Listener[] listeners, int start, int end)
    {
        for (var i = start; i < end; i++) listeners[i].Protector.Warm();
    }

    /// <summary>
    /// One datagram to one listener (the multicast group, RTCP): a synchronous send on a direct socket.
    /// <paramref name="rtcp"/>: an RTCP packet, protected as SRTCP (skipped when the listener gets none).
    /// </summary>
    public bool SendOne(ReadOnlySpan<byte> rtp, Listener listener, bool rtcp = false)
    {
        if (rtcp && !listener.Protector.CarriesRtcp) return false;
        if (_direct is not null) return SendOneDirect(rtp, listener, rtcp);
        if (listener.FedByPeers)
            return false;
        if (!listener.TryBeginSend())
        {
            Interlocked.Increment(ref _counters.framesSkippedBusy);
            return false;
        }
        int length;
        ValueTask pending;
        try
        {
            rtp.CopyTo(listener.Buffer);
            length = rtcp ? listener.Protector.ProtectRtcp(listener.Buffer, rtp.Length) : listener.Protector.Protect(listener.Buffer, rtp.Length);
            pending = _socket.SendToAsync(listener.Buffer.AsMemory(0, length), listener.Address, _stopping);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            Complete(listener, ok: false);
            return false;
        }
        Interlocked.Add(ref _counters.bytesSent, length);
        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult();   // releases a pooled source, if the transport used one
            Complete(listener, ok: true);
            return true;
        }
        _ = CompleteLaterAsync(pending, listener);
        return true;
    }

    private bool SendOneDirect(ReadOnlySpan<byte> rtp, Listener listener, bool rtcp)
    {
        if (listener.FedByPeers) return false;
        if (!listener.TryBeginSend())
        {
            Interlocked.Increment(ref _counters.framesSkippedBusy);
            return false;
        }
        var ok = false;
        try
        {
            rtp.CopyTo(listener.Buffer);
            var length = rtcp ? listener.Protector.ProtectRtcp(listener.Buffer, rtp.Length) : listener.Protector.Protect(listener.Buffer, rtp.Length);
            _direct!.SendTo(listener.Buffer.AsSpan(0, length), SocketFlags.None, listener.Address);
            Interlocked.Add(ref _counters.bytesSent, length);
            ok = true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or ArgumentException or InvalidOperationException)
        {
        }
        Complete(listener, ok);
        return ok;
    }

    private async Task CompleteLaterAsync(ValueTask pending, Listener listener)
    {
        var ok = true;
        try { await pending.ConfigureAwait(false); }
        catch { ok = false; }   // refused, unreachable, closed: the listener expires if it is really gone
        Complete(listener, ok);
    }

    private void Complete(Listener listener, bool ok)
    {
        listener.EndSend(ok);
        if (ok) Interlocked.Increment(ref _counters.packetsSent);
        else Interlocked.Increment(ref _counters.sendErrors);
    }
}
