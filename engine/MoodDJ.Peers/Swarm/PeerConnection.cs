using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MoodDJ.Peers.Swarm;

/// <summary>
/// One TCP connection speaking the BitTorrent peer wire protocol (BEP 3), after the handshake. Reads are
/// sequential (one reader task); writes are serialized. Every message length is checked against
/// <see cref="SwarmOptions.MaxMessageBytes"/> before anything is read, so an oversized message cannot make us allocate.
/// </summary>
public sealed class PeerConnection : IAsyncDisposable
{
    private static readonly byte[] ProtocolName = Encoding.ASCII.GetBytes("BitTorrent protocol");
    private const int HandshakeLength = 68;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly byte[] _readBuffer;
    private readonly byte[] _writeBuffer = new byte[64];

    public IPEndPoint RemoteEndPoint { get; }
    public byte[] InfoHash { get; }
    public byte[] RemotePeerId { get; }
    /// <summary>The remote side set the BEP 10 extension bit.</summary>
    public bool SupportsExtensions { get; }

    private PeerConnection(Socket socket, byte[] infoHash, byte[] remotePeerId, bool extensions, int maxMessageBytes)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        RemoteEndPoint = (IPEndPoint)socket.RemoteEndPoint!;
        InfoHash = infoHash;
        RemotePeerId = remotePeerId;
        SupportsExtensions = extensions;
        _readBuffer = new byte[maxMessageBytes];
    }

    /// <summary>Connects and exchanges handshakes for <paramref name="infoHash"/>.</summary>
    public static async Task<PeerConnection> ConnectAsync(IPEndPoint endPoint, byte[] infoHash, byte[] peerId,
        SwarmOptions options, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout);
            await socket.ConnectAsync(endPoint, timeout.Token);
            await socket.SendAsync(WriteHandshake(infoHash, peerId), timeout.Token);
            var (remoteHash, remoteId, extensions) = await ReadHandshakeAsync(socket, timeout.Token);
            if (!remoteHash.AsSpan().SequenceEqual(infoHash))
                throw new PeerProtocolException($"{endPoint} answered for another torrent");
            return new PeerConnection(socket, infoHash, remoteId, extensions, options.MaxMessageBytes);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Reads an incoming handshake, asks <paramref name="accepts"/> whether we serve its info-hash, and answers.</summary>
    public static async Task<PeerConnection> AcceptAsync(Socket socket, Func<byte[], bool> accepts, byte[] peerId,
        SwarmOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var (infoHash, remoteId, extensions) = await ReadHandshakeAsync(socket, timeout.Token);
        if (!accepts(infoHash)) throw new PeerProtocolException($"{socket.RemoteEndPoint} asked for an unknown torrent {Convert.ToHexStringLower(infoHash)}");
        await socket.SendAsync(WriteHandshake(infoHash, peerId), timeout.Token);
        return new PeerConnection(socket, infoHash, remoteId, extensions, options.MaxMessageBytes);
    }

    private static byte[] WriteHandshake(byte[] infoHash, byte[] peerId)
    {
        byte[] handshake = new byte[HandshakeLength];
        handshake[0] = 19;
        ProtocolName.CopyTo(handshake, 1);
        handshake[20 + 5] = 0x10; // BEP 10: we speak the extension protocol (for BEP 9 metadata)
        infoHash.CopyTo(handshake, 28);
        peerId.CopyTo(handshake, 48);
        return handshake;
    }

    private static async Task<(byte[] InfoHash, byte[] PeerId, bool Extensions)> ReadHandshakeAsync(Socket socket, CancellationToken cancellationToken)
    {
        byte[] handshake = new byte[HandshakeLength];
        int read = 0;
        while (read < HandshakeLength)
        {
            int n = await socket.ReceiveAsync(handshake.AsMemory(read), cancellationToken);
            if (n == 0) throw new PeerProtocolException($"{socket.RemoteEndPoint} closed during the handshake");
            read += n;
        }
        if (handshake[0] != 19 || !handshake.AsSpan(1, 19).SequenceEqual(ProtocolName))
            throw new PeerProtocolException($"{socket.RemoteEndPoint} does not speak the BitTorrent protocol");
        return (handshake[28..48], handshake[48..68], (handshake[25] & 0x10) != 0);
    }

    /// <summary>Reads the next message. Its payload lives in this connection's buffer until the next call.</summary>
    public async ValueTask<PeerWireMessage> ReadAsync(CancellationToken cancellationToken)
    {
        await _stream.ReadExactlyAsync(_readBuffer.AsMemory(0, 4), cancellationToken);
        int length = BinaryPrimitives.ReadInt32BigEndian(_readBuffer);
        if (length == 0) return new PeerWireMessage(PeerMessageId.KeepAlive, ReadOnlyMemory<byte>.Empty);
        if (length < 0 || length > _readBuffer.Length)
            throw new PeerProtocolException($"{RemoteEndPoint} sent a {(uint)length}-byte message; the limit is {_readBuffer.Length}");
        await _stream.ReadExactlyAsync(_readBuffer.AsMemory(0, length), cancellationToken);
        return new PeerWireMessage((PeerMessageId)_readBuffer[0], _readBuffer.AsMemory(1, length - 1));
    }

    public ValueTask SendAsync(PeerMessageId id, CancellationToken cancellationToken) => SendHeaderAsync(id, 0, cancellationToken);

    public async ValueTask SendHaveAsync(int piece, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            WriteHeader(PeerMessageId.Have, 4);
            BinaryPrimitives.WriteInt32BigEndian(_writeBuffer.AsSpan(5), piece);
            await _stream.WriteAsync(_writeBuffer.AsMemory(0, 9), cancellationToken);
        }
        finally { _writeLock.Release(); }
    }

    /// <summary>Request (6) or cancel (8) of one block.</summary>
    public async ValueTask SendBlockMessageAsync(PeerMessageId id, int piece, int begin, int length, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            WriteHeader(id, 12);
            BinaryPrimitives.WriteInt32BigEndian(_writeBuffer.AsSpan(5), piece);
            BinaryPrimitives.WriteInt32BigEndian(_writeBuffer.AsSpan(9), begin);
            BinaryPrimitives.WriteInt32BigEndian(_writeBuffer.AsSpan(13), length);
            await _stream.WriteAsync(_writeBuffer.AsMemory(0, 17), cancellationToken);
        }
        finally { _writeLock.Release(); }
    }

    public async ValueTask SendPieceAsync(int piece, int begin, ReadOnlyMemory<byte> block, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            WriteHeader(PeerMessageId.Piece, 8 + block.Length);
            BinaryPrimitives.WriteInt32BigEndian(_writeBuffer.AsSpan(5), piece);
            BinaryPrimitives.WriteInt32BigEndian(_writeBuffer.AsSpan(9), begin);
            await _stream.WriteAsync(_writeBuffer.AsMemory(0, 13), cancellationToken);
            await _stream.WriteAsync(block, cancellationToken);
        }
        finally { _writeLock.Release(); }
    }

    /// <summary>Bitfield (5), or an extended message (20) whose payload starts with the extension id.</summary>
    public async ValueTask SendPayloadAsync(PeerMessageId id, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            WriteHeader(id, payload.Length);
            await _stream.WriteAsync(_writeBuffer.AsMemory(0, 5), cancellationToken);
            await _stream.WriteAsync(payload, cancellationToken);
        }
        finally { _writeLock.Release(); }
    }

    public async ValueTask SendKeepAliveAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            _writeBuffer.AsSpan(0, 4).Clear();
            await _stream.WriteAsync(_writeBuffer.AsMemory(0, 4), cancellationToken);
        }
        finally { _writeLock.Release(); }
    }

    private async ValueTask SendHeaderAsync(PeerMessageId id, int payloadLength, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            WriteHeader(id, payloadLength);
            await _stream.WriteAsync(_writeBuffer.AsMemory(0, 5), cancellationToken);
        }
        finally { _writeLock.Release(); }
    }

    private void WriteHeader(PeerMessageId id, int payloadLength)
    {
        BinaryPrimitives.WriteInt32BigEndian(_writeBuffer, payloadLength + 1);
        _writeBuffer[4] = (byte)id;
    }

    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        _writeLock.Dispose();
        return ValueTask.CompletedTask;
    }
}
