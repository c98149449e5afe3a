using System.Net;
using System.Security.Cryptography;

namespace MoodDJ.Peers.Swarm;

/// <summary>
/// Turns a magnet link into a torrent by asking peers for the info dictionary (BEP 9 over BEP 10), and trusts
/// the answer only when its SHA-1 is the magnet's info-hash.
/// </summary>
public static class MetadataFetcher
{
    public static async Task<TorrentMetainfo> FetchAsync(MagnetLink magnet, IReadOnlyList<IPEndPoint> peers,
        SwarmOptions options, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        foreach (IPEndPoint peer in peers)
        {
            try
            {
                byte[] info = await FetchFromAsync(peer, magnet.InfoHash, options, cancellationToken);
                return TorrentMetainfo.FromInfo(info, magnet.Trackers);
            }
            catch (Exception e) when (e is PeerProtocolException or IOException or System.Net.Sockets.SocketException or FormatException
                                          or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                errors.Add($"{peer}: {e.Message}");
            }
        }
        throw new InvalidOperationException(peers.Count == 0
            ? "no peers to ask for the torrent's metadata"
            : "no peer gave the torrent's metadata: " + string.Join("; ", errors));
    }

    private static async Task<byte[]> FetchFromAsync(IPEndPoint peer, byte[] infoHash, SwarmOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.RequestTimeout);
        await using var connection = await PeerConnection.ConnectAsync(peer, infoHash, PeerIds.New(), options, timeout.Token);
        if (!connection.SupportsExtensions) throw new PeerProtocolException("the peer does not speak the extension protocol");
        await connection.SendPayloadAsync(PeerMessageId.Extended, ExtensionHandshake.Write(null), timeout.Token);
        byte[]? metadata = null;
        byte remoteId = 0;
        int received = 0, pieces = 0;
        while (true)
        {
            PeerWireMessage message = await connection.ReadAsync(timeout.Token);
            if (message.Id != PeerMessageId.Extended || message.Payload.Length == 0) continue;
            byte extension = message.Payload.Span[0];
            if (extension == ExtensionHandshake.HandshakeId && metadata is null)
            {
                var (id, size) = ExtensionHandshake.Read(message.Payload.Span[1..]);
                if (id is null || size is not > 0 || size > TorrentMetainfo.MaxMetainfoBytes)
                    throw new PeerProtocolException($"the peer offers no usable metadata (size {size?.ToString() ?? "none"})");
                remoteId = id.Value;
                metadata = new byte[size.Value];
                pieces = (int)((size.Value + ExtensionHandshake.MetadataPieceSize - 1) / ExtensionHandshake.MetadataPieceSize);
                for (int i = 0; i < pieces; i++)
                    await connection.SendPayloadAsync(PeerMessageId.Extended, ExtensionHandshake.MetadataMessage(remoteId, 0, i), timeout.Token);
            }
            else if (extension == ExtensionHandshake.OurMetadataId && metadata is not null)
            {
                var (type, piece, data) = ExtensionHandshake.ReadMetadataMessage(message.Payload[1..]);
                if (type == 2) throw new PeerProtocolException($"the peer refused metadata piece {piece}");
                int offset = piece * ExtensionHandshake.MetadataPieceSize;
                if (type != 1 || piece < 0 || piece >= pieces || offset + data.Length > metadata.Length)
                    throw new PeerProtocolException($"a metadata piece {piece} that does not fit");
                data.CopyTo(metadata.AsMemory(offset));
                if (++received == pieces)
                {
                    if (!SHA1.HashData(metadata).AsSpan().SequenceEqual(infoHash))
                        throw new PeerProtocolException("the metadata does not match the magnet's info-hash");
                    return metadata;
                }
            }
        }
    }
}
