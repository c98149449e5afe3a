using System.Buffers.Binary;
using System.Text;
using static MoodDJ.Peers.Tracker.TrackerProtocol;

namespace MoodDJ.Peers.Tracker;

/// <summary>
/// BEP 15 packets to and from bytes (all big-endian). Writers return the bytes written; readers return
/// false when the packet is too short or of another action, so a server can count bad input without exceptions.
/// </summary>
public static class TrackerCodec
{
    public static int WriteConnectRequest(Span<byte> destination, int transactionId)
    {
        BinaryPrimitives.WriteInt64BigEndian(destination, ProtocolId);
        BinaryPrimitives.WriteInt32BigEndian(destination[8..], (int)TrackerAction.Connect);
        BinaryPrimitives.WriteInt32BigEndian(destination[12..], transactionId);
        return ConnectRequestLength;
    }

    /// <summary>True for a 16-byte-or-longer connect request with the magic protocol id.</summary>
    public static bool TryReadConnectRequest(ReadOnlySpan<byte> packet, out int transactionId)
    {
        transactionId = 0;
        if (packet.Length < ConnectRequestLength || BinaryPrimitives.ReadInt64BigEndian(packet) != ProtocolId
            || BinaryPrimitives.ReadInt32BigEndian(packet[8..]) != (int)TrackerAction.Connect)
            return false;
        transactionId = BinaryPrimitives.ReadInt32BigEndian(packet[12..]);
        return true;
    }

    public static int WriteConnectResponse(Span<byte> destination, int transactionId, long connectionId)
    {
        WriteHeader(destination, TrackerAction.Connect, transactionId);
        BinaryPrimitives.WriteInt64BigEndian(destination[8..], connectionId);
        return ConnectResponseLength;
    }

    public static bool TryReadConnectResponse(ReadOnlySpan<byte> packet, out int transactionId, out long connectionId)
    {
        connectionId = 0;
        if (!TryReadHeader(packet, TrackerAction.Connect, ConnectResponseLength, out transactionId)) return false;
        connectionId = BinaryPrimitives.ReadInt64BigEndian(packet[8..]);
        return true;
    }

    public static int WriteAnnounceRequest(Span<byte> destination, in AnnounceRequest request)
    {
        BinaryPrimitives.WriteInt64BigEndian(destination, request.ConnectionId);
        BinaryPrimitives.WriteInt32BigEndian(destination[8..], (int)TrackerAction.Announce);
        BinaryPrimitives.WriteInt32BigEndian(destination[12..], request.TransactionId);
        request.InfoHash.Write(destination[16..]);
        request.PeerId.Write(destination[36..]);
        BinaryPrimitives.WriteInt64BigEndian(destination[56..], request.Downloaded);
        BinaryPrimitives.WriteInt64BigEndian(destination[64..], request.Left);
        BinaryPrimitives.WriteInt64BigEndian(destination[72..], request.Uploaded);
        BinaryPrimitives.WriteInt32BigEndian(destination[80..], (int)request.Event);
        BinaryPrimitives.WriteUInt32BigEndian(destination[84..], 0); // ip: the sender's, always
        BinaryPrimitives.WriteUInt32BigEndian(destination[88..], request.Key);
        BinaryPrimitives.WriteInt32BigEndian(destination[92..], request.NumWant);
        BinaryPrimitives.WriteUInt16BigEndian(destination[96..], request.Port);
        return AnnounceRequestLength;
    }

    /// <summary>Reads an announce (98 bytes; BEP 41 options after them are ignored). The ip field is not returned: the sender's address is used.</summary>
    public static bool TryReadAnnounceRequest(ReadOnlySpan<byte> packet, out AnnounceRequest request)
    {
        request = default;
        if (packet.Length < AnnounceRequestLength || BinaryPrimitives.ReadInt32BigEndian(packet[8..]) != (int)TrackerAction.Announce)
            return false;
        request = new AnnounceRequest(
            BinaryPrimitives.ReadInt64BigEndian(packet),
            BinaryPrimitives.ReadInt32BigEndian(packet[12..]),
            InfoHash.Read(packet[16..]),
            PeerId.Read(packet[36..]),
            BinaryPrimitives.ReadInt64BigEndian(packet[56..]),
            BinaryPrimitives.ReadInt64BigEndian(packet[64..]),
            BinaryPrimitives.ReadInt64BigEndian(packet[72..]),
            (AnnounceEvent)BinaryPrimitives.ReadInt32BigEndian(packet[80..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[88..]),
            BinaryPrimitives.ReadInt32BigEndian(packet[92..]),
            BinaryPrimitives.ReadUInt16BigEndian(packet[96..]));
        return true;
    }

    /// <summary>Writes the reply's head; the caller writes peers after it with <see cref="WritePeer"/>.</summary>
    public static int WriteAnnounceResponseHeader(Span<byte> destination, in AnnounceResponseHeader header)
    {
        WriteHeader(destination, TrackerAction.Announce, header.TransactionId);
        BinaryPrimitives.WriteInt32BigEndian(destination[8..], header.Interval);
        BinaryPrimitives.WriteInt32BigEndian(destination[12..], header.Leechers);
        BinaryPrimitives.WriteInt32BigEndian(destination[16..], header.Seeders);
        return AnnounceResponseHeaderLength;
    }

    public static int WritePeer(Span<byte> destination, TrackerPeer peer)
    {
        if (peer.IsV6)
        {
            BinaryPrimitives.WriteUInt128BigEndian(destination, peer.Address);
            BinaryPrimitives.WriteUInt16BigEndian(destination[16..], peer.Port);
            return Peer6Length;
        }
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)peer.Address);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], peer.Port);
        return PeerLength;
    }

    /// <summary>
    /// Reads the head of an announce reply; false if it is short, of another action, or its peer list is not whole
    /// entries of <paramref name="peerLength"/> bytes (6; 18 for a reply to an announce sent over IPv6).
    /// </summary>
    public static bool TryReadAnnounceResponse(ReadOnlySpan<byte> packet, out AnnounceResponseHeader header, out ReadOnlySpan<byte> peers, int peerLength = PeerLength)
    {
        header = default;
        peers = default;
        if (!TryReadHeader(packet, TrackerAction.Announce, AnnounceResponseHeaderLength, out var transactionId)
            || (packet.Length - AnnounceResponseHeaderLength) % peerLength != 0)
            return false;
        header = new AnnounceResponseHeader(transactionId,
            BinaryPrimitives.ReadInt32BigEndian(packet[8..]),
            BinaryPrimitives.ReadInt32BigEndian(packet[12..]),
            BinaryPrimitives.ReadInt32BigEndian(packet[16..]));
        peers = packet[AnnounceResponseHeaderLength..];
        return true;
    }

    public static TrackerPeer ReadPeer(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadUInt32BigEndian(source), BinaryPrimitives.ReadUInt16BigEndian(source[4..]));

    /// <summary>An 18-byte IPv6 peer entry.</summary>
    public static TrackerPeer ReadPeer6(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadUInt128BigEndian(source), BinaryPrimitives.ReadUInt16BigEndian(source[16..]), IsV6: true);

    public static int WriteScrapeRequest(Span<byte> destination, long connectionId, int transactionId, ReadOnlySpan<InfoHash> hashes)
    {
        BinaryPrimitives.WriteInt64BigEndian(destination, connectionId);
        BinaryPrimitives.WriteInt32BigEndian(destination[8..], (int)TrackerAction.Scrape);
        BinaryPrimitives.WriteInt32BigEndian(destination[12..], transactionId);
        for (int i = 0; i < hashes.Length; i++)
            hashes[i].Write(destination[(ScrapeRequestHeaderLength + i * InfoHash.Length)..]);
        return ScrapeRequestHeaderLength + hashes.Length * InfoHash.Length;
    }

    /// <summary>A scrape request's head and its info-hashes (whole 20-byte entries only; at least one).</summary>
    public static bool TryReadScrapeRequest(ReadOnlySpan<byte> packet, out long connectionId, out int transactionId, out ReadOnlySpan<byte> hashes)
    {
        connectionId = 0;
        transactionId = 0;
        hashes = default;
        if (packet.Length < ScrapeRequestHeaderLength + InfoHash.Length || BinaryPrimitives.ReadInt32BigEndian(packet[8..]) != (int)TrackerAction.Scrape)
            return false;
        connectionId = BinaryPrimitives.ReadInt64BigEndian(packet);
        transactionId = BinaryPrimitives.ReadInt32BigEndian(packet[12..]);
        var body = packet[ScrapeRequestHeaderLength..];
        hashes = body[..(body.Length - body.Length % InfoHash.Length)];
        return true;
    }

    public static int WriteScrapeResponseHeader(Span<byte> destination, int transactionId)
    {
        WriteHeader(destination, TrackerAction.Scrape, transactionId);
        return ScrapeResponseHeaderLength;
    }

    public static int WriteScrapeEntry(Span<byte> destination, ScrapeEntry entry)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, entry.Seeders);
        BinaryPrimitives.WriteInt32BigEndian(destination[4..], entry.Completed);
        BinaryPrimitives.WriteInt32BigEndian(destination[8..], entry.Leechers);
        return ScrapeEntryLength;
    }

    public static ScrapeEntry ReadScrapeEntry(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadInt32BigEndian(source),
        BinaryPrimitives.ReadInt32BigEndian(source[4..]),
        BinaryPrimitives.ReadInt32BigEndian(source[8..]));

    /// <summary>An error reply, its message cut to fit <paramref name="destination"/> (so it can be kept no larger than the request).</summary>
    public static int WriteError(Span<byte> destination, int transactionId, string message)
    {
        WriteHeader(destination, TrackerAction.Error, transactionId);
        // Error replies are rare: an array here is fine, and cutting bytes (not chars) keeps the cap exact.
        var bytes = Encoding.UTF8.GetBytes(message);
        var length = Math.Min(bytes.Length, destination.Length - ErrorHeaderLength);
        bytes.AsSpan(0, length).CopyTo(destination[ErrorHeaderLength..]);
        return ErrorHeaderLength + length;
    }

    public static bool TryReadError(ReadOnlySpan<byte> packet, out int transactionId, out string message)
    {
        message = "";
        if (!TryReadHeader(packet, TrackerAction.Error, ErrorHeaderLength, out transactionId)) return false;
        message = Encoding.UTF8.GetString(packet[ErrorHeaderLength..]);
        return true;
    }

    /// <summary>The action and transaction id every reply starts with.</summary>
    public static bool TryReadReplyHead(ReadOnlySpan<byte> packet, out TrackerAction action, out int transactionId)
    {
        action = default;
        transactionId = 0;
        if (packet.Length < 8) return false;
        action = (TrackerAction)BinaryPrimitives.ReadInt32BigEndian(packet);
        transactionId = BinaryPrimitives.ReadInt32BigEndian(packet[4..]);
        return true;
    }

    private static void WriteHeader(Span<byte> destination, TrackerAction action, int transactionId)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, (int)action);
        BinaryPrimitives.WriteInt32BigEndian(destination[4..], transactionId);
    }

    private static bool TryReadHeader(ReadOnlySpan<byte> packet, TrackerAction action, int minLength, out int transactionId)
    {
        transactionId = 0;
        if (packet.Length < minLength || BinaryPrimitives.ReadInt32BigEndian(packet) != (int)action) return false;
        transactionId = BinaryPrimitives.ReadInt32BigEndian(packet[4..]);
        return true;
    }
}
