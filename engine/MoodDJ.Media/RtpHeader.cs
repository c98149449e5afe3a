using System.Buffers.Binary;

namespace MoodDJ.Media;

/// <summary>
/// The fixed RTP header (RFC 3550 §5.1) plus where the payload sits in the packet. Parsing tolerates
/// CSRC lists, a header extension and padding, and rejects anything malformed by returning false:
/// a datagram from the network never throws.
/// </summary>
public readonly record struct RtpHeader
{
    /// <summary>Bytes of the fixed header this class writes (no CSRCs, no extension).</summary>
    public const int FixedLength = 12;

    public const int Version = 2;

    public bool Marker { get; init; }

    /// <summary>0..127.</summary>
    public byte PayloadType { get; init; }

    public ushort SequenceNumber { get; init; }

    public uint Timestamp { get; init; }

    public uint Ssrc { get; init; }

    /// <summary>Contributing sources listed after the fixed header (0..15); parsed, skipped.</summary>
    public int CsrcCount { get; init; }

    public bool HasExtension { get; init; }

    /// <summary>Padding bytes at the end of the packet (the P bit's count byte included).</summary>
    public int PaddingLength { get; init; }

    /// <summary>Where the payload starts in the parsed packet.</summary>
    public int PayloadOffset { get; init; }

    public int PayloadLength { get; init; }

    /// <summary>Writes the 12-byte fixed header; returns <see cref="FixedLength"/>.</summary>
    public int Write(Span<byte> destination)
    {
        if (destination.Length < FixedLength)
            throw new ArgumentException($"An RTP header needs {FixedLength} bytes, the buffer has {destination.Length}.", nameof(destination));
        if (PayloadType > 127)
            throw new InvalidOperationException($"RTP payload type must be 0..127, not {PayloadType}.");
        destination[0] = Version << 6;
        destination[1] = (byte)((Marker ? 0x80 : 0) | PayloadType);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], SequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Ssrc);
        return FixedLength;
    }

    /// <summary>
    /// Parses <paramref name="packet"/>. False for anything that is not a well-formed RTP packet:
    /// too short, version ≠ 2, an RTCP packet type (RFC 5761 demultiplexing), CSRCs or extension
    /// running past the end, or padding longer than the payload.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out RtpHeader header)
    {
        header = default;
        if (packet.Length < FixedLength) return false;
        var b0 = packet[0];
        if (b0 >> 6 != Version) return false;
        if (RtcpPacket.IsRtcp(packet)) return false;
        var hasPadding = (b0 & 0x20) != 0;
        var hasExtension = (b0 & 0x10) != 0;
        var csrcCount = b0 & 0x0F;
        var offset = FixedLength + 4 * csrcCount;
        if (offset > packet.Length) return false;
        if (hasExtension)
        {
            if (offset + 4 > packet.Length) return false;
            var words = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]);
            offset += 4 + 4 * words;
            if (offset > packet.Length) return false;
        }
        var padding = 0;
        if (hasPadding)
        {
            padding = packet[^1];
            if (padding == 0 || offset + padding > packet.Length) return false;
        }
        header = new RtpHeader
        {
            Marker = (packet[1] & 0x80) != 0,
            PayloadType = (byte)(packet[1] & 0x7F),
            SequenceNumber = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]),
            Timestamp = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]),
            Ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]),
            CsrcCount = csrcCount,
            HasExtension = hasExtension,
            PaddingLength = padding,
            PayloadOffset = offset,
            PayloadLength = packet.Length - offset - padding,
        };
        return true;
    }
}
