using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using static MoodDJ.Protocol.LinuxSocketAbi;

namespace MoodDJ.Protocol;

/// <summary>
/// The kernel's receive time of a UDP datagram on Linux: SO_TIMESTAMPNS makes the kernel stamp each
/// datagram when the network stack takes it (CLOCK_REALTIME), and recvmsg(2) hands the stamp over as a
/// control message. The stamp is turned into a <see cref="Stopwatch"/> timestamp by reading both clocks
/// together after the call: arrival = Stopwatch now − (realtime now − stamp), so only the datagram's
/// age (microseconds to milliseconds) crosses between the clocks, and a slewed or stepped wall clock
/// cannot shift it by more than that age's share. Structs follow the 64-bit Linux ABI (x86-64 and arm64
/// alike); anywhere else <see cref="TryEnable"/> says no and the caller stamps the datagram itself.
/// </summary>
internal static unsafe partial class LinuxReceiveTimestamps
{
    private const int SolSocket = 1;
    private const int SoTimestampNs = 35;        // SO_TIMESTAMPNS_OLD; the control message type is the same (SCM_TIMESTAMPNS)
    private const int ClockRealtime = 0;
    private const int EBadF = 9;
    private const int MsgTrunc = 0x20;

    /// <summary>Room for one cmsghdr (16 bytes) and a timespec (16 bytes), with slack for anything else the kernel adds.</summary>
    public const int ControlBytes = 64;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc.so.6", EntryPoint = "recvmsg", SetLastError = true)]
    private static partial nint RecvMsg(int fd, MsgHdr* message, int flags);

    [LibraryImport("libc.so.6", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, TimeSpec* time);

    private static bool Supported =>
        OperatingSystem.IsLinux() && Environment.Is64BitProcess
        && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64
        && sizeof(MsgHdr) == 56 && Stopwatch.Frequency == 1_000_000_000;

    /// <summary>Turns on kernel receive stamps for <paramref name="socket"/>; false where that is not available (the plain path).</summary>
    public static bool TryEnable(Socket socket)
    {
        if (!Supported || socket.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)) return false;
        try
        {
            Span<byte> on = stackalloc byte[4];
            BitConverter.TryWriteBytes(on, 1);
            socket.SetRawSocketOption(SolSocket, SoTimestampNs, on);
            TimeSpec probe;
            return ClockGetTime(ClockRealtime, &probe) == 0;
        }
        catch (Exception e) when (e is SocketException or DllNotFoundException or EntryPointNotFoundException or PlatformNotSupportedException)
        {
            return false;
        }
    }

    /// <summary>
    /// One non-blocking recvmsg into <paramref name="buffer"/>, the sender's address into <paramref name="from"/>.
    /// Returns the length, −1 when nothing is queued, −2 when a datagram larger than the buffer was dropped or a
    /// socket error was read; <paramref name="arrived"/> is the kernel's stamp as a Stopwatch timestamp (now, when the kernel gave none).
    /// </summary>
    public static int Receive(Socket socket, Span<byte> buffer, SocketAddress from, out long arrived)
    {
        // Held so a Dispose on another thread cannot close (and the process reuse) the descriptor under the call.
        var handle = socket.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return Receive((int)handle.DangerousGetHandle(), buffer, from, out arrived);
        }
        catch (ObjectDisposedException e)
        {
            throw new SocketException((int)SocketError.OperationAborted, e.Message);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private static int Receive(int fd, Span<byte> buffer, SocketAddress from, out long arrived)
    {
        arrived = 0;
        var control = stackalloc byte[ControlBytes];
        fixed (byte* data = buffer)
        fixed (byte* name = from.Buffer.Span)
        {
            var iov = new IoVec { Base = data, Length = (nuint)buffer.Length };
            var message = new MsgHdr
            {
                Name = name,
                NameLength = (uint)from.Buffer.Length,
                Iov = &iov,
                IovLength = 1,
                Control = control,
                ControlLength = ControlBytes,
            };
            nint length;
            do length = RecvMsg(fd, &message, MsgDontWait);
            while (length < 0 && Marshal.GetLastPInvokeError() == EIntr);
            if (length < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == EAgain) return -1;
                if (errno == EBadF) throw new SocketException((int)SocketError.OperationAborted);
                return -2;   // a pending socket error (an ICMP answer to an earlier send): reading it cleared it
            }
            // Read both clocks together, as close to the call as possible: the stamp's age is all that crosses over.
            TimeSpec realNow;
            ClockGetTime(ClockRealtime, &realNow);
            var now = Stopwatch.GetTimestamp();
            from.Size = (int)message.NameLength;
            arrived = now;
            if ((message.Flags & MsgTrunc) != 0) return -2;   // oversized: dropped, as the plain path does
            if (FindStamp(control, message.ControlLength) is { } stamp)
            {
                var age = (realNow.Seconds - stamp.Seconds) * 1_000_000_000 + (realNow.Nanoseconds - stamp.Nanoseconds);
                // A wall clock stepped between the stamp and now gives a nonsense age: keep "now" then. (A loop
                // stalled for seconds gives a true one; that round trip's delay gets it filtered out anyway.)
                if (age >= 0 && age < 10_000_000_000) arrived = now - age;
            }
            return (int)length;
        }
    }

    private static TimeSpec? FindStamp(byte* control, nuint length)
    {
        // struct cmsghdr { size_t len; int level; int type; } then the data, each header 8-byte aligned.
        nuint offset = 0;
        while (offset + 16 <= length)
        {
            var cmsgLength = *(nuint*)(control + offset);
            if (cmsgLength < 16 || offset + cmsgLength > length) break;
            var level = *(int*)(control + offset + 8);
            var type = *(int*)(control + offset + 12);
            if (level == SolSocket && type == SoTimestampNs && cmsgLength >= 16 + (nuint)sizeof(TimeSpec))
                return *(TimeSpec*)(control + offset + 16);
            offset += (cmsgLength + 7) & ~(nuint)7;
        }
        return null;
    }
}
