using System.Buffers.Binary;
using System.Text;

namespace MoodDJ.Media;

/// <summary>
/// An RTCP sender report (RFC 3550 §6.4.1) without report blocks: it ties the sender's wall clock
/// (NTP) to its media clock (RTP timestamp) so players can synchronize play-out, and carries the
/// sender's packet and octet counts.
/// </summary>
public readonly record struct RtcpSenderReport(uint Ssrc, ulong NtpTimestamp, uint RtpTimestamp, uint PacketCount, uint OctetCount)
{
    /// <summary>Header (4) + SSRC (4) + sender info (20).</summary>
    public const int Length = 28;

    /// <summary>Writes the 28-byte report; returns its length.</summary>
    public int Write(Span<byte> destination)
    {
        if (destination.Length < Length)
            throw new ArgumentException($"A sender report needs {Length} bytes, the buffer has {destination.Length}.", nameof(destination));
        destination[0] = 2 << 6; // V=2, P=0, RC=0
        destination[1] = RtcpPacket.SenderReport;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Length / 4 - 1);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], NtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], RtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], PacketCount);
        BinaryPrimitives.WriteUInt32BigEndian(destination[24..], OctetCount);
        return Length;
    }

    /// <summary>
    /// Writes a compound packet as RFC 3550 §6.1 requires one to be: this report, then an SDES chunk
    /// with the CNAME item. Returns the total length (a multiple of 4).
    /// </summary>
    public int WriteCompound(Span<byte> destination, string cname)
    {
        ArgumentNullException.ThrowIfNull(cname);
        var nameBytes = Encoding.UTF8.GetByteCount(cname);
        if (nameBytes is 0 or > 255)
            throw new ArgumentException("A CNAME is 1..255 bytes of UTF-8.", nameof(cname));
        // SDES: header 4, SSRC 4, item type+length 2, text, then a zero item and padding to 32 bits.
        var chunk = 4 + 2 + nameBytes + 1;
        var sdesLength = 4 + (chunk + 3) / 4 * 4;
        var total = Length + sdesLength;
        if (destination.Length < total)
            throw new ArgumentException($"The compound report needs {total} bytes, the buffer has {destination.Length}.", nameof(destination));
        Write(destination);
        var sdes = destination.Slice(Length, sdesLength);
        sdes.Clear();
        sdes[0] = (2 << 6) | 1; // one chunk
        sdes[1] = RtcpPacket.SourceDescription;
        BinaryPrimitives.WriteUInt16BigEndian(sdes[2..], (ushort)(sdesLength / 4 - 1));
        BinaryPrimitives.WriteUInt32BigEndian(sdes[4..], Ssrc);
        sdes[8] = 1; // CNAME
        sdes[9] = (byte)nameBytes;
        Encoding.UTF8.GetBytes(cname, sdes[10..]);
        return total;
    }

    /// <summary>
    /// Finds and parses the sender report in an RTCP (compound) packet. False when there is none or
    /// the packet is malformed; never throws.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpSenderReport report)
    {
        report = default;
        while (packet.Length >= 4)
        {
            if (packet[0] >> 6 != 2) return false;
            var length = (BinaryPrimitives.ReadUInt16BigEndian(packet[2..]) + 1) * 4;
            if (length > packet.Length) return false;
            if (packet[1] == RtcpPacket.SenderReport)
            {
                if (length < Length) return false;
                report = new RtcpSenderReport(
                    BinaryPrimitives.ReadUInt32BigEndian(packet[4..]),
                    BinaryPrimitives.ReadUInt64BigEndian(packet[8..]),
                    BinaryPrimitives.ReadUInt32BigEndian(packet[16..]),
                    BinaryPrimitives.ReadUInt32BigEndian(packet[20..]),
                    BinaryPrimitives.ReadUInt32BigEndian(packet[24..]));
                return true;
            }
            packet = packet[length..];
        }
        return false;
    }
}
