namespace MoodDJ.Peers.Swarm;

/// <summary>
/// The BEP 10 extension handshake and the BEP 9 ut_metadata messages, which let a magnet link fetch the
/// info dictionary from peers. Our own ut_metadata id is always 1; the id we send with is the one the
/// remote side chose in its handshake.
/// </summary>
public static class ExtensionHandshake
{
    public const byte HandshakeId = 0;
    public const byte OurMetadataId = 1;
    public const int MetadataPieceSize = 16 * 1024;

    public static byte[] Write(int? metadataSize)
    {
        var dict = new BDictionary { ["m"] = new BDictionary { ["ut_metadata"] = (long)OurMetadataId }, ["v"] = "MoodDJ" };
        if (metadataSize is { } size) dict["metadata_size"] = (long)size;
        return Prefixed(HandshakeId, Bencode.Encode(dict));
    }

    /// <summary>Reads the remote's ut_metadata id and metadata size from its handshake payload (after the extension id byte).</summary>
    public static (byte? MetadataId, long? MetadataSize) Read(ReadOnlySpan<byte> payload)
    {
        if (Bencode.Decode(payload) is not BDictionary dict) throw new PeerProtocolException("the extension handshake is not a dictionary");
        long? id = dict.Dict("m")?.Number("ut_metadata");
        return (id is > 0 and < 256 ? (byte)id : null, dict.Number("metadata_size"));
    }

    public static byte[] MetadataMessage(byte remoteId, int type, int piece, long? totalSize = null, ReadOnlySpan<byte> data = default)
    {
        var dict = new BDictionary { ["msg_type"] = (long)type, ["piece"] = (long)piece };
        if (totalSize is { } total) dict["total_size"] = total;
        byte[] header = Bencode.Encode(dict);
        byte[] message = new byte[1 + header.Length + data.Length];
        message[0] = remoteId;
        header.CopyTo(message, 1);
        data.CopyTo(message.AsSpan(1 + header.Length));
        return message;
    }

    /// <summary>Splits a ut_metadata message into its dictionary and the data that follows it (for msg_type 1).</summary>
    public static (int Type, int Piece, ReadOnlyMemory<byte> Data) ReadMetadataMessage(ReadOnlyMemory<byte> payload)
    {
        // The dictionary ends where its top-level 'e' is; find it by decoding prefixes of growing length.
        ReadOnlySpan<byte> span = payload.Span;
        for (int end = 2; end <= span.Length; end++)
        {
            if (span[end - 1] != (byte)'e') continue;
            BDictionary dict;
            try { dict = Bencode.Decode(span[..end]) as BDictionary ?? throw new FormatException(); }
            catch (FormatException) { continue; }
            int type = (int)(dict.Number("msg_type") ?? -1), piece = (int)(dict.Number("piece") ?? -1);
            return (type, piece, payload[end..]);
        }
        throw new PeerProtocolException("a ut_metadata message without a dictionary");
    }

    private static byte[] Prefixed(byte id, byte[] body)
    {
        byte[] message = new byte[body.Length + 1];
        message[0] = id;
        body.CopyTo(message, 1);
        return message;
    }
}
