using System.Buffers.Binary;

namespace MoodDJ.Peers.Mesh;

/// <summary>The peer-to-peer control datagrams of the mesh (docs/protocol.md, "Live relay mesh").</summary>
public enum MeshMessage : byte
{
    Attach = 1,
    Accept = 2,
    Refuse = 3,
    Keepalive = 4,
    Path = 5,
    Leave = 6,
    Probe = 7,
    Nack = 8,
}

/// <summary>Why a parent refused an attach.</summary>
public enum RefuseReason : byte
{
    Full = 1,
    Loop = 2,
    TooDeep = 3,
    BadTicket = 4,
    NotFed = 5,
}

/// <summary>
/// Encodes and decodes the mesh control datagrams: "MDJ", a type byte, the sender's peer id, then
/// the type's body. Every read checks lengths; anything malformed decodes to false (and is counted
/// by the caller). Media datagrams start with RTP's 0b10 bits, so the two never mix.
/// </summary>
public static class MeshWire
{
    public const int HeaderLength = 3 + 1 + 8;
    /// <summary>Longest ancestry a path message carries; a path beyond it is refused as too deep.</summary>
    public const int MaxPath = 16;
    public const int MaxLength = HeaderLength + 1 + 1 + MaxPath * 8 + MeshTicket.Length + 3;

    public static bool IsControl(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= HeaderLength && datagram[0] == (byte)'M' && datagram[1] == (byte)'D' && datagram[2] == (byte)'J';

    public static bool TryReadHeader(ReadOnlySpan<byte> datagram, out MeshMessage type, out long sender)
    {
        type = default;
        sender = 0;
        if (!IsControl(datagram)) return false;
        type = (MeshMessage)datagram[3];
        sender = BinaryPrimitives.ReadInt64BigEndian(datagram[4..]);
        return type is >= MeshMessage.Attach and <= MeshMessage.Nack && sender > 0;
    }

    /// <summary>Keepalive, leave and probe: the header alone.</summary>
    public static int Write(Span<byte> buffer, MeshMessage type, long sender)
    {
        buffer[0] = (byte)'M';
        buffer[1] = (byte)'D';
        buffer[2] = (byte)'J';
        buffer[3] = (byte)type;
        BinaryPrimitives.WriteInt64BigEndian(buffer[4..], sender);
        return HeaderLength;
    }

    /// <summary>Attach: the child's station-signed ticket, and the newest sequence number it holds (so the parent backfills what it missed).</summary>
    public static int WriteAttach(Span<byte> buffer, long child, ReadOnlySpan<byte> ticket, ushort? newest)
    {
        var n = Write(buffer, MeshMessage.Attach, child);
        ticket.CopyTo(buffer[n..]);
        n += ticket.Length;
        buffer[n++] = newest.HasValue ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt16BigEndian(buffer[n..], newest ?? 0);
        return n + 2;
    }

    public static bool TryReadAttach(ReadOnlySpan<byte> datagram, out ReadOnlySpan<byte> ticket, out ushort? newest)
    {
        newest = null;
        ticket = default;
        if (datagram.Length != HeaderLength + MeshTicket.Length + 3 || datagram[^3] > 1) return false;
        ticket = datagram.Slice(HeaderLength, MeshTicket.Length);
        if (datagram[^3] == 1) newest = BinaryPrimitives.ReadUInt16BigEndian(datagram[^2..]);
        return true;
    }

    /// <summary>Accept and path: the parent's hop count and its ancestry (station side first, the parent itself last).</summary>
    public static int WritePath(Span<byte> buffer, MeshMessage type, long parent, int hops, ReadOnlySpan<long> ancestry)
    {
        var n = Write(buffer, type, parent);
        buffer[n++] = (byte)Math.Min(hops, 255);
        buffer[n++] = (byte)ancestry.Length;
        foreach (var id in ancestry)
        {
            BinaryPrimitives.WriteInt64BigEndian(buffer[n..], id);
            n += 8;
        }
        return n;
    }

    /// <summary>Reads hops and ancestry into <paramref name="ancestry"/>; returns the ancestry's length or -1 when malformed.</summary>
    public static int TryReadPath(ReadOnlySpan<byte> datagram, out int hops, Span<long> ancestry)
    {
        hops = 0;
        if (datagram.Length < HeaderLength + 2) return -1;
        hops = datagram[HeaderLength];
        int count = datagram[HeaderLength + 1];
        if (count > MaxPath || count > ancestry.Length || datagram.Length != HeaderLength + 2 + count * 8) return -1;
        for (var i = 0; i < count; i++)
            ancestry[i] = BinaryPrimitives.ReadInt64BigEndian(datagram[(HeaderLength + 2 + i * 8)..]);
        return count;
    }

    /// <summary>Most sequence numbers one nack names; a longer gap is left to concealment (or a re-attach's backfill).</summary>
    public const int MaxNack = 16;

    /// <summary>Nack: a run of sequence numbers the sender is missing (first, count 1..<see cref="MaxNack"/>), asked again of whoever sent the packet after them.</summary>
    public static int WriteNack(Span<byte> buffer, long sender, ushort first, int count)
    {
        var n = Write(buffer, MeshMessage.Nack, sender);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[n..], first);
        buffer[n + 2] = (byte)Math.Clamp(count, 1, MaxNack);
        return n + 3;
    }

    public static bool TryReadNack(ReadOnlySpan<byte> datagram, out ushort first, out int count)
    {
        first = 0;
        count = 0;
        if (datagram.Length != HeaderLength + 3 || datagram[HeaderLength + 2] is 0 or > MaxNack) return false;
        first = BinaryPrimitives.ReadUInt16BigEndian(datagram[HeaderLength..]);
        count = datagram[HeaderLength + 2];
        return true;
    }

    public static int WriteRefuse(Span<byte> buffer, long parent, RefuseReason reason)
    {
        var n = Write(buffer, MeshMessage.Refuse, parent);
        buffer[n] = (byte)reason;
        return n + 1;
    }

    public static bool TryReadRefuse(ReadOnlySpan<byte> datagram, out RefuseReason reason)
    {
        reason = datagram.Length == HeaderLength + 1 ? (RefuseReason)datagram[HeaderLength] : default;
        return datagram.Length == HeaderLength + 1;
    }
}
