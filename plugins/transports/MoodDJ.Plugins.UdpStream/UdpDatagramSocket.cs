using System.Net;
using System.Net.Sockets;
using MoodDJ.Abstractions.Transport;

namespace MoodDJ.Plugins.UdpStream;

/// <summary>
/// One UDP socket. Receives through a reusable <see cref="SocketAddress"/> and hands out cached
/// <see cref="IPEndPoint"/>s, so steady-state receive from a few senders allocates nothing.
/// Datagrams larger than the caller's buffer are dropped (RTP never exceeds 1200 bytes of payload).
/// </summary>
internal sealed class UdpDatagramSocket : IDirectDatagramSocket
{
    private const int EndPointCacheSize = 32;

    private readonly Socket _socket;
    private readonly SocketAddress _receiveAddress;
    private readonly Dictionary<SocketAddress, IPEndPoint> _endPoints = new();
    private readonly Lock _endPointsLock = new();
    private int _disposed;

    public UdpDatagramSocket(Socket socket)
    {
        _socket = socket;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _receiveAddress = CreateAddressBuffer();
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>For the station's synchronous fan-out and stream-port drain (see <see cref="IDirectDatagramSocket"/>).</summary>
    public Socket Socket => _socket;

    public SocketAddress CreateAddressBuffer() => new(_socket.AddressFamily);

    public async ValueTask SendToAsync(ReadOnlyMemory<byte> datagram, EndPoint remote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remote);
        try
        {
            await _socket.SendToAsync(datagram, SocketFlags.None, remote, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsClosing(e, cancellationToken))
        {
            throw new OperationCanceledException("The socket was closed.", e, cancellationToken);
        }
    }

    public async ValueTask SendToAsync(ReadOnlyMemory<byte> datagram, SocketAddress remote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remote);
        try
        {
            await _socket.SendToAsync(datagram, SocketFlags.None, remote, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsClosing(e, cancellationToken))
        {
            throw new OperationCanceledException("The socket was closed.", e, cancellationToken);
        }
    }

    public async ValueTask<DatagramReceived> ReceiveFromAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // One receive at a time may use the shared address buffer; callers of this overload are a
        // single receive loop, as with any datagram socket.
        var length = await ReceiveFromAsync(buffer, _receiveAddress, cancellationToken).ConfigureAwait(false);
        return new DatagramReceived(length, EndPointFor(_receiveAddress));
    }

    public async ValueTask<int> ReceiveFromAsync(Memory<byte> buffer, SocketAddress remote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remote);
        while (true)
        {
            try
            {
                return await _socket.ReceiveFromAsync(buffer, SocketFlags.None, remote, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.MessageSize or SocketError.ConnectionReset)
            {
                // Oversized datagram, or an ICMP error from an earlier send: neither ends the stream.
            }
            catch (Exception e) when (IsClosing(e, cancellationToken))
            {
                throw new OperationCanceledException("The socket was closed.", e, cancellationToken);
            }
        }
    }

    private IPEndPoint EndPointFor(SocketAddress address)
    {
        lock (_endPointsLock)
        {
            if (_endPoints.TryGetValue(address, out var cached)) return cached;
            if (_endPoints.Count >= EndPointCacheSize) _endPoints.Clear();
            var endPoint = (IPEndPoint)LocalEndPoint.Create(address);
            var key = new SocketAddress(address.Family, address.Size);
            address.Buffer.Span[..address.Size].CopyTo(key.Buffer.Span);
            _endPoints[key] = endPoint;
            return endPoint;
        }
    }

    private bool IsClosing(Exception e, CancellationToken cancellationToken) =>
        // A socket disposed under a pending call ends that call like a cancellation.
       
        e is ObjectDisposedException
        || (e is SocketException se && (se.SocketErrorCode == SocketError.OperationAborted || Volatile.Read(ref _disposed) != 0));

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            _socket.Dispose();
    }
}
