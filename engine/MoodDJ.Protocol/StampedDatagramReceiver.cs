using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MoodDJ.Abstractions.Transport;

namespace MoodDJ.Protocol;

/// <summary>One datagram and when it arrived (a <see cref="Stopwatch"/> timestamp).</summary>
public readonly record struct StampedDatagram(int Length, long ArrivedAt);

/// <summary>
/// Receives the heartbeat channel's time-sync datagrams with the time each one arrived, for the NTP-style
/// clock estimate (docs/protocol.md, "Synchronized play-out"). A receive loop stamping a datagram when it
/// gets to it adds its own wake-up delay, and the two ends' delays differ: in one process, where the true
/// offset is 0, that read 18–211 µs. On Linux, with the UDP transport's own socket, the kernel's receive
/// stamp is used instead (<see cref="LinuxReceiveTimestamps"/>): the loop waits until the socket is
/// readable, then reads the datagram and its stamp with one recvmsg. Elsewhere (another OS, a wrapping
/// transport) it is the plain receive, stamped on completion. One receive loop per instance; allocation-free.
/// </summary>
public sealed class StampedDatagramReceiver
{
    private readonly IDatagramSocket _socket;
    private readonly Socket? _kernel;

    public StampedDatagramReceiver(IDatagramSocket socket)
    {
        _socket = socket;
        if (socket is IDirectDatagramSocket direct && LinuxReceiveTimestamps.TryEnable(direct.Socket))
            _kernel = direct.Socket;
    }

    /// <summary>True when arrival times are the kernel's receive stamps.</summary>
    public bool KernelTimestamps => _kernel is not null;

    /// <summary>Receives one datagram into <paramref name="buffer"/>, its sender into <paramref name="from"/>.</summary>
    public async ValueTask<StampedDatagram> ReceiveFromAsync(Memory<byte> buffer, SocketAddress from, CancellationToken cancellationToken)
    {
        if (_kernel is null)
        {
            var length = await _socket.ReceiveFromAsync(buffer, from, cancellationToken).ConfigureAwait(false);
            return new StampedDatagram(length, Stopwatch.GetTimestamp());
        }
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int length;
            long arrived;
            try
            {
                length = LinuxReceiveTimestamps.Receive(_kernel, buffer.Span, from, out arrived);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.OperationAborted)
            {
                throw new OperationCanceledException("The socket was closed.", e, cancellationToken);
            }
            if (length >= 0) return new StampedDatagram(length, arrived);
            // Nothing queued, or an oversized datagram / a socket error was taken off it: wait for the next
            // (at once if more are queued; a broken socket makes the wait throw instead of spinning here).
            await WaitReadableAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until a datagram is queued: a zero-byte peek completes then and takes nothing off the queue.</summary>
    private async ValueTask WaitReadableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _kernel!.ReceiveAsync(Memory<byte>.Empty, SocketFlags.Peek, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.MessageSize or SocketError.ConnectionReset or SocketError.ConnectionRefused)
        {
            // Readable (a datagram larger than the empty peek, or an ICMP error from an earlier send): recvmsg sorts it out.
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.OperationAborted)
        {
            throw new OperationCanceledException("The socket was closed.", e, cancellationToken);
        }
        catch (ObjectDisposedException e)
        {
            throw new OperationCanceledException("The socket was closed.", e, cancellationToken);
        }
    }
}
