using System.Net;

namespace MoodDJ.Peers.Tracker;

/// <summary>BEP 15 constants: the magic protocol id, actions, events and packet sizes.</summary>
public static class TrackerProtocol
{
    public const long ProtocolId = 0x41727101980;
    public const int ConnectRequestLength = 16;
    public const int ConnectResponseLength = 16;
    public const int AnnounceRequestLength = 98;
    public const int AnnounceResponseHeaderLength = 20;
    public const int ScrapeRequestHeaderLength = 16;
    public const int ScrapeResponseHeaderLength = 8;
    public const int ScrapeEntryLength = 12;
    public const int ErrorHeaderLength = 8;
    public const int PeerLength = 6;
    /// <summary>A peer in the reply to an announce sent over IPv6: 16-byte address and port (BEP 15).</summary>
    public const int Peer6Length = 18;
    /// <summary>Info-hashes in one scrape: what fits a 1500-byte datagram, as BEP 15 says (about 74).</summary>
    public const int MaxScrapeHashes = 74;
}

public enum TrackerAction
{
    Connect = 0,
    Announce = 1,
    Scrape = 2,
    Error = 3,
}

public enum AnnounceEvent
{
    None = 0,
    Completed = 1,
    Started = 2,
    Stopped = 3,
}

/// <summary>An announce request's fields (the BEP 15 layout; ip is always "the sender" here, key is echoed as given).</summary>
public readonly record struct AnnounceRequest(
    long ConnectionId,
    int TransactionId,
    InfoHash InfoHash,
    PeerId PeerId,
    long Downloaded,
    long Left,
    long Uploaded,
    AnnounceEvent Event,
    uint Key,
    int NumWant,
    ushort Port);

/// <summary>The 20-byte peer id, held like <see cref="InfoHash"/>.</summary>
public readonly record struct PeerId(ulong A, ulong B, uint C)
{
    public static PeerId Read(ReadOnlySpan<byte> source)
    {
        var hash = InfoHash.Read(source);
        return new PeerId(hash.A, hash.B, hash.C);
    }

    public void Write(Span<byte> destination) => new InfoHash(A, B, C).Write(destination);

    /// <summary>An Azureus-style id: "-MD0001-" and 12 random bytes.</summary>
    public static PeerId NewMoodDJ()
    {
        Span<byte> bytes = stackalloc byte[20];
        "-MD0001-"u8.CopyTo(bytes);
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes[8..]);
        return Read(bytes);
    }
}

/// <summary>The head of an announce reply; the peers follow as 6-byte IPv4 entries, or 18-byte IPv6 ones when the announce came over IPv6.</summary>
public readonly record struct AnnounceResponseHeader(int TransactionId, int Interval, int Leechers, int Seeders);

/// <summary>One swarm's counts in a scrape reply.</summary>
public readonly record struct ScrapeEntry(int Seeders, int Completed, int Leechers);

/// <summary>A peer as a tracker lists it: IPv4 (the address in the low 32 bits), or IPv6 when <paramref name="IsV6"/>.</summary>
public readonly record struct TrackerPeer(UInt128 Address, ushort Port, bool IsV6 = false)
{
    /// <summary>Its length in an announce reply: 6 bytes, or 18 for IPv6.</summary>
    public int WireLength => IsV6 ? TrackerProtocol.Peer6Length : TrackerProtocol.PeerLength;

    public IPEndPoint ToEndPoint()
    {
        Span<byte> bytes = stackalloc byte[16];
        if (IsV6)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, Address);
            return new IPEndPoint(new IPAddress(bytes), Port);
        }
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)Address);
        return new IPEndPoint(new IPAddress(bytes[..4]), Port);
    }

    public override string ToString() => ToEndPoint().ToString();
}
