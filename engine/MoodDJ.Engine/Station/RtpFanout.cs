using System.Net.Sockets;
using MoodDJ.Abstractions.Transport;

namespace MoodDJ.Engine.Station;

/// <summary>
/// Sends one finished RTP packet to every listener: copy into the listener's own buffer, protect it
/// with the listener's key, send the datagram and move on. UDP sends complete at once unless the
/// socket buffer is full; a listener whose previous send is still pending simply misses this frame,
/// so one slow or broken receiver never delays the others. ICMP errors are ignored.
/// </summary>
internal sealed class RtpFanout
{
    private readonly IDatagramSocket _socket;
    private readonly StationCounters _counters;
    private readonly CancellationToken _stopping;

    public RtpFanout(IDatagramSocket socket, StationCounters counters, CancellationToken stopping)
    {
        _socket = socket;
        _counters = counters;
        _stopping = stopping;
    }

    /// <summary>Sends <paramref name="rtp"/> to each of <paramref name="listeners"/>; returns how many sends started.</summary>
    public int Send(ReadOnlySpan<byte> rtp, Listener[] listeners)
    {
        var started = 0;
        foreach (var listener in listeners)
        {
            if (SendOne(rtp, listener))
                started++;
        }
        return started;
    }

    public bool SendOne(ReadOnlySpan<byte> rtp, Listener listener)
    {
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
            length = listener.Protector.Protect(listener.Buffer, rtp.Length);
            pending = _socket.SendToAsync(listener.Buffer.AsMemory(0, length), listener.Address, _stopping);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            Complete(listener, ok: false);
            return false;
        }
        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult();   // releases a pooled source, if the transport used one
            Complete(listener, ok: true);
            return true;
        }
        _ = CompleteLaterAsync(pending, listener);
        return true;
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
