using System.Buffers.Binary;

namespace MoodDJ.Media;

/// <summary>
/// MoodDJ's RTCP APP packet (RFC 3550 §6.7, PT 204, name "MDJP"), sent inside the station's SRTCP
/// compound after the sender report. Subtype 0 carries the station-wide play-out delay (µs) every
/// player adds to a frame's capture time, so all play the same frame at the same moment; subtype 1
/// says "flush": content before the given RTP timestamp is stale (a pause or a skip), so players
/// fade out what they queued instead of playing it out.
/// </summary>
public static class RtcpPlayout
{
    public const int Length = 16;
    public const byte DelaySubtype = 0;
    public const byte FlushSubtype = 1;
    private const uint Name = 0x4D444A50; // "MDJP"

    /// <summary>Writes one APP packet; returns <see cref="Length"/>.</summary>
    public static int Write(Span<byte> destination, byte subtype, uint ssrc, uint value)
    {
        if (destination.Length < Length)
            throw new ArgumentException($"An MDJP packet needs {Length} bytes.", nameof(destination));
        destination[0] = (byte)(2 << 6 | subtype);
        destination[1] = RtcpPacket.App;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Length / 4 - 1);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Name);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], value);
        return Length;
    }

    /// <summary>Finds an MDJP packet of <paramref name="subtype"/> in a compound packet; never throws.</summary>
    public static bool TryFind(ReadOnlySpan<byte> compound, byte subtype, out uint value)
    {
        value = 0;
        while (compound.Length >= 4)
        {
            if (compound[0] >> 6 != 2) return false;
            var length = (BinaryPrimitives.ReadUInt16BigEndian(compound[2..]) + 1) * 4;
            if (length > compound.Length) return false;
            if (compound[1] == RtcpPacket.App && length >= Length && (compound[0] & 0x1F) == subtype
                && BinaryPrimitives.ReadUInt32BigEndian(compound[8..]) == Name)
            {
                value = BinaryPrimitives.ReadUInt32BigEndian(compound[12..]);
                return true;
            }
            compound = compound[length..];
        }
        return false;
    }
}
