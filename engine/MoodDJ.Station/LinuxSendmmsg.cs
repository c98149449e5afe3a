using System.Runtime.InteropServices;
using MoodDJ.Protocol;

namespace MoodDJ.Station;

/// <summary>
/// sendmmsg(2) through glibc: many datagrams, each to its own address, in one system call. The
/// structs follow the 64-bit Linux ABI (<see cref="LinuxSocketAbi"/>).
/// </summary>
internal static unsafe partial class LinuxSendmmsg
{
    [StructLayout(LayoutKind.Sequential)]
    public struct MMsgHdr
    {
        public LinuxSocketAbi.MsgHdr Header;
        public uint Length;
    }

    private static int _state;   // 0 not tried, 1 works, -1 missing (not Linux/glibc): the plain path is used

    [LibraryImport("libc.so.6", EntryPoint = "sendmmsg", SetLastError = true)]
    private static partial int Native(int fd, MMsgHdr* messages, uint count, int flags);

    public static bool Available => Volatile.Read(ref _state) >= 0 && OperatingSystem.IsLinux() && Environment.Is64BitProcess && sizeof(MMsgHdr) == 64;

    /// <summary>sendmmsg, or -2 when the call is not available here (the caller falls back for good).</summary>
    public static int Send(int fd, MMsgHdr* messages, uint count, int flags)
    {
        try
        {
            var sent = Native(fd, messages, count, flags);
            Volatile.Write(ref _state, 1);
            return sent;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Volatile.Write(ref _state, -1);
            return -2;
        }
    }
}
