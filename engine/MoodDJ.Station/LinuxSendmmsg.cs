using System.Runtime.InteropServices;

namespace MoodDJ.Station;

/// <summary>
/// sendmmsg(2) through glibc: many datagrams, each to its own address, in one system call. The
/// structs follow the 64-bit Linux ABI (x86-64 and arm64 lay them out alike).
/// </summary>
internal static unsafe partial class LinuxSendmmsg
{
    public const int MsgDontWait = 0x40;
    public const int EIntr = 4;
    public const int EAgain = 11;

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MMsgHdr
    {
        public MsgHdr Header;
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
