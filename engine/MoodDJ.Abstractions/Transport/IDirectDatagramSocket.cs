using System.Net.Sockets;

namespace MoodDJ.Abstractions.Transport;

/// <summary>
/// Optional for a stream transport's datagram socket: the OS socket itself, for a sender that only
/// ever uses it synchronously from its own threads (and batches datagrams with sendmmsg on Linux).
/// A socket never used asynchronously is never registered with .NET's epoll engine, so the kernel's
/// write-space notice after every datagram does not wake a thread. Whoever takes this path must not
/// also call the async methods on the same socket.
/// </summary>
public interface IDirectDatagramSocket : IDatagramSocket
{
    Socket Socket { get; }
}
