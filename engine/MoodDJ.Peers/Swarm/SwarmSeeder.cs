using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MoodDJ.Peers.Swarm;

/// <summary>
/// Serves the pieces of the torrents it holds to any BitTorrent peer (BEP 3), and their info dictionaries to
/// magnet users (BEP 9). Up to <see cref="SwarmOptions.UploadSlots"/> interested peers are unchoked at once.
/// Requests are checked against the piece bounds and the wire limits; a peer that breaks them is dropped
/// and counted, and everyone else goes on being served.
/// </summary>
public sealed class SwarmSeeder : IAsyncDisposable
{
    private readonly SwarmOptions _options;
    private readonly ILogger _log;
    private readonly Socket _listener;
    private readonly ConcurrentDictionary<string, PieceStore> _torrents = new();
    private readonly byte[] _peerId = PeerIds.New();
    private readonly CancellationTokenSource _stop = new();
    private Task _acceptLoop = Task.CompletedTask;
    private int _unchoked;

    public SwarmSeeder(IPEndPoint bind, SwarmOptions? options = null, ILogger? log = null)
    {
        _options = options ?? new SwarmOptions();
        _log = log ?? NullLogger.Instance;
        _listener = new Socket(bind.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(bind);
        LocalEndPoint = (IPEndPoint)_listener.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }
    public SwarmStats Stats { get; } = new();

    /// <summary>Serves <paramref name="store"/>'s torrent (only the pieces it holds).</summary>
    public void Add(PieceStore store) => _torrents[store.Torrent.InfoHashHex] = store;

    /// <summary>Stops offering a torrent to new connections (those already open finish on their own).</summary>
    public bool Remove(string infoHashHex) => _torrents.TryRemove(infoHashHex, out _);

    public void Start()
    {
        _listener.Listen(64);
        _acceptLoop = AcceptLoopAsync(_stop.Token);
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await _listener.AcceptAsync(cancellationToken); }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException) { return; }
            catch (SocketException e) { _log.LogWarning("accept failed: {Error}", e.Message); continue; }
            socket.NoDelay = true;
            _ = ServeAsync(socket, cancellationToken);
        }
    }

    private async Task ServeAsync(Socket socket, CancellationToken cancellationToken)
    {
        EndPoint? remote = socket.RemoteEndPoint;
        bool unchoked = false;
        try
        {
            await using PeerConnection connection = await PeerConnection.AcceptAsync(socket,
                hash => _torrents.ContainsKey(Convert.ToHexStringLower(hash)), _peerId, _options, cancellationToken);
            PieceStore store = _torrents[Convert.ToHexStringLower(connection.InfoHash)];
            TorrentMetainfo torrent = store.Torrent;
            if (connection.SupportsExtensions)
                await connection.SendPayloadAsync(PeerMessageId.Extended, ExtensionHandshake.Write(torrent.InfoBytes.Length), cancellationToken);
            await connection.SendPayloadAsync(PeerMessageId.Bitfield, store.Bitfield(), cancellationToken);
            byte[] block = new byte[_options.MaxMessageBytes];
            byte? remoteMetadataId = null;
            while (true)
            {
                PeerWireMessage message = await connection.ReadAsync(cancellationToken);
                switch (message.Id)
                {
                    case PeerMessageId.Interested when !unchoked:
                        if (Interlocked.Increment(ref _unchoked) <= _options.UploadSlots)
                        {
                            unchoked = true;
                            await connection.SendAsync(PeerMessageId.Unchoke, cancellationToken);
                        }
                        else Interlocked.Decrement(ref _unchoked);
                        break;
                    case PeerMessageId.Request when unchoked:
                        await ServeBlockAsync(connection, store, message.Payload, block, cancellationToken);
                        break;
                    case PeerMessageId.Have or PeerMessageId.Request or PeerMessageId.Cancel:
                        CheckIndex(message.Payload.Span, torrent);
                        break;
                    case PeerMessageId.Extended when message.Payload.Length > 0:
                        remoteMetadataId = await HandleExtendedAsync(connection, torrent, message.Payload, remoteMetadataId, cancellationToken);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
        catch (Exception e) when (e is PeerProtocolException or FormatException)
        {
            Stats.Violation();
            _log.LogInformation("dropped {Peer}: {Reason}", remote, e.Message);
        }
        // ObjectDisposedException: the torrent was withdrawn (its store closed) while this peer was being served.
        catch (Exception e) when (e is IOException or SocketException or EndOfStreamException or OperationCanceledException or ObjectDisposedException) { }
        finally
        {
            if (unchoked) Interlocked.Decrement(ref _unchoked);
            socket.Dispose();
        }
    }

    private async ValueTask ServeBlockAsync(PeerConnection connection, PieceStore store, ReadOnlyMemory<byte> payload, byte[] block, CancellationToken cancellationToken)
    {
        if (payload.Length != 12) throw new PeerProtocolException($"a request of {payload.Length} bytes");
        int piece = BinaryPrimitives.ReadInt32BigEndian(payload.Span);
        int begin = BinaryPrimitives.ReadInt32BigEndian(payload.Span[4..]);
        int length = BinaryPrimitives.ReadInt32BigEndian(payload.Span[8..]);
        TorrentMetainfo torrent = store.Torrent;
        if ((uint)piece >= (uint)torrent.PieceCount || begin < 0 || length <= 0 || length > block.Length - 16
            || (long)begin + length > torrent.PieceSize(piece))
            throw new PeerProtocolException($"a request for {piece}:{begin}+{length}, outside the torrent or over the block limit");
        if (!store.Has(piece)) { Stats.Violation(); return; }
        store.ReadBlock(piece, begin, block.AsSpan(0, length));
        await connection.SendPieceAsync(piece, begin, block.AsMemory(0, length), cancellationToken);
        Stats.AddUploaded(length);
    }

    private static void CheckIndex(ReadOnlySpan<byte> payload, TorrentMetainfo torrent)
    {
        if (payload.Length < 4 || (uint)BinaryPrimitives.ReadInt32BigEndian(payload) >= (uint)torrent.PieceCount)
            throw new PeerProtocolException("a message naming a piece outside the torrent");
    }

    private static async ValueTask<byte?> HandleExtendedAsync(PeerConnection connection, TorrentMetainfo torrent,
        ReadOnlyMemory<byte> payload, byte? remoteMetadataId, CancellationToken cancellationToken)
    {
        byte extension = payload.Span[0];
        if (extension == ExtensionHandshake.HandshakeId) return ExtensionHandshake.Read(payload.Span[1..]).MetadataId;
        if (extension != ExtensionHandshake.OurMetadataId || remoteMetadataId is not { } remoteId) return remoteMetadataId;
        var (type, piece, _) = ExtensionHandshake.ReadMetadataMessage(payload[1..]);
        if (type != 0) return remoteMetadataId;
        int offset = piece * ExtensionHandshake.MetadataPieceSize;
        byte[] reply = piece < 0 || offset >= torrent.InfoBytes.Length
            ? ExtensionHandshake.MetadataMessage(remoteId, 2, piece)
            : ExtensionHandshake.MetadataMessage(remoteId, 1, piece, torrent.InfoBytes.Length,
                torrent.InfoBytes.AsSpan(offset, Math.Min(ExtensionHandshake.MetadataPieceSize, torrent.InfoBytes.Length - offset)));
        await connection.SendPayloadAsync(PeerMessageId.Extended, reply, cancellationToken);
        return remoteMetadataId;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
