using System.Runtime.InteropServices;

namespace MoodDJ.Protocol;

/// <summary>
/// The Linux socket structures that recvmsg(2) and sendmmsg(2) share, in the 64-bit ABI (x86-64 and
/// arm64 lay them out alike), and the errno and flag values both callers test. One copy, so the
/// receive-stamp path and the station's batched send cannot drift apart.
/// </summary>
public static unsafe class LinuxSocketAbi
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
}
