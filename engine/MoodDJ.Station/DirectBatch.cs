using System.Net.Sockets;
using System.Runtime.InteropServices;
using MoodDJ.Protocol;

namespace MoodDJ.Station;

/// <summary>
/// One sending thread's batch of protected datagrams on a socket used only synchronously (never
/// registered with .NET's epoll engine). On Linux a batch leaves in one sendmmsg call (MSG_DONTWAIT:
/// a full socket buffer drops the rest of the batch and counts it, it never blocks the pump); elsewhere
/// each datagram is a plain synchronous sendto. The message and iovec arrays are native and reused,
/// and each listener's buffer and address are pinned, so a batch allocates nothing.
/// UDP GSO is not used: it segments one buffer to one destination, and every datagram here has its own.
/// </summary>
internal sealed unsafe class DirectBatch : IDisposable
{
    public const int Capacity = 64;

    private readonly Socket _socket;
    private readonly SafeSocketHandle _handle;
    private readonly StationCounters _counters;
    private readonly LinuxSendmmsg.MMsgHdr* _messages;
    private readonly LinuxSocketAbi.IoVec* _iov;
    private readonly Listener[] _listeners = new Listener[Capacity];
    private int _count;

    public DirectBatch(Socket socket, StationCounters counters)
    {
        _socket = socket;
        _handle = socket.SafeHandle;
        _counters = counters;
        _messages = (LinuxSendmmsg.MMsgHdr*)NativeMemory.AllocZeroed((nuint)(Capacity * sizeof(LinuxSendmmsg.MMsgHdr)));
        _iov = (LinuxSocketAbi.IoVec*)NativeMemory.AllocZeroed((nuint)(Capacity * sizeof(LinuxSocketAbi.IoVec)));
    }

    /// <summary>Queues the <paramref name="length"/> bytes in <paramref name="listener"/>'s buffer (its send already begun); sends when the batch is full.</summary>
    public void Add(Listener listener, int length)
    {
        var i = _count++;
        _listeners[i] = listener;
        _iov[i].Base = listener.BufferPointer;
        _iov[i].Length = (nuint)length;
        ref var header = ref _messages[i].Header;
        header.Name = listener.NativeAddressPointer;
        header.NameLength = (uint)listener.NativeAddressLength;
        header.Iov = &_iov[i];
        header.IovLength = 1;
        if (_count == Capacity) Flush();
    }

    /// <summary>Sends what is queued; returns how many datagrams the OS took.</summary>
    public int Flush()
    {
        var count = _count;
        if (count == 0) return 0;
        _count = 0;
        int start = 0, sentTotal = 0, failed = 0, busy = 0;
        long bytes = 0;
        while (start < count)
        {
            var sent = LinuxSendmmsg.Available ? SendMany(start, count - start) : -2;
            if (sent == -2)
            {
                // No sendmmsg here: one synchronous sendto each.
                for (; start < count; start++)
                {
                    var ok = SendPlain(start);
                    if (ok) { sentTotal++; bytes += (long)_iov[start].Length; }
                    else failed++;
                    Complete(start, ok);
                }
                break;
            }
            if (sent == -3)
            {
                failed += count - start;   // the station is closing its socket
                for (; start < count; start++) Complete(start, ok: false);
                break;
            }
            if (sent > 0)
            {
                for (var i = start; i < start + sent; i++)
                {
                    bytes += (long)_iov[i].Length;
                    Complete(i, ok: true);
                }
                sentTotal += sent;
                start += sent;
                continue;
            }
            var errno = Marshal.GetLastPInvokeError();
            if (errno == LinuxSocketAbi.EIntr) continue;
            if (errno == LinuxSocketAbi.EAgain)
            {
                // The socket buffer is full: this frame skips the rest rather than wait.
                busy += count - start;
                for (; start < count; start++) Complete(start, ok: false);
                break;
            }
            failed++;
            Complete(start++, ok: false);   // this one destination failed (unreachable, refused by a firewall)
        }
        if (bytes > 0) Interlocked.Add(ref _counters.bytesSent, bytes);
        if (sentTotal > 0) Interlocked.Add(ref _counters.packetsSent, sentTotal);
        if (failed + busy > 0) Interlocked.Add(ref _counters.sendErrors, failed + busy);
        if (busy > 0) Interlocked.Add(ref _counters.framesSkippedBusy, busy);
        return sentTotal;
    }

    /// <summary>sendmmsg with the socket's handle held, so a socket closed meanwhile cannot hand its descriptor number to another file.</summary>
    private int SendMany(int start, int count)
    {
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            return LinuxSendmmsg.Send((int)_handle.DangerousGetHandle(), _messages + start, (uint)count, LinuxSocketAbi.MsgDontWait);
        }
        catch (ObjectDisposedException)
        {
            return -3;
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    private bool SendPlain(int i)
    {
        try
        {
            _socket.SendTo(new ReadOnlySpan<byte>(_iov[i].Base, (int)_iov[i].Length), SocketFlags.None, _listeners[i].Address);
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    private void Complete(int i, bool ok)
    {
        var listener = _listeners[i];
        _listeners[i] = null!;
        listener.EndSend(ok);
    }

    public void Dispose()
    {
        NativeMemory.Free(_messages);
        NativeMemory.Free(_iov);
    }
}
