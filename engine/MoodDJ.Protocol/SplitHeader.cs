using System.Buffers.Binary;

namespace MoodDJ.Protocol;

/// <summary>
/// The 12-byte header at the start of every control frame's plaintext (docs/protocol.md,
/// "Message split and reassembly"):
/// <code>
/// 0..3   message id    u32 big-endian, starts at 1, +1 per message and direction
/// 4..7   total length  u32 big-endian, the whole message's size (same in every part)
/// 8..9   part index    u16 big-endian, 0, 1, 2, ...
/// 10     flags         bit 0 = last part; other bits must be 0
/// 11     reserved      must be 0
/// </code>
/// </summary>
public readonly record struct SplitHeader(uint MessageId, uint TotalLength, ushort PartIndex, bool IsLast)
{
    public const int Size = 12;
    public const byte LastFlag = 0x01;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, MessageId);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], TotalLength);
        BinaryPrimitives.WriteUInt16BigEndian(destination[8..], PartIndex);
        destination[10] = IsLast ? LastFlag : (byte)0;
        destination[11] = 0;
    }

    /// <summary>Reads a header; false (with the reason) when it is too short or uses reserved bits.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out SplitHeader header, out string? error)
    {
        header = default;
        if (source.Length < Size)
        {
            error = $"a frame of {source.Length} bytes is shorter than the {Size}-byte split header";
            return false;
        }
        if ((source[10] & ~LastFlag) != 0 || source[11] != 0)
        {
            error = $"the split header uses reserved bits (flags 0x{source[10]:x2}, reserved 0x{source[11]:x2})";
            return false;
        }
        header = new SplitHeader(
            BinaryPrimitives.ReadUInt32BigEndian(source),
            BinaryPrimitives.ReadUInt32BigEndian(source[4..]),
            BinaryPrimitives.ReadUInt16BigEndian(source[8..]),
            (source[10] & LastFlag) != 0);
        error = null;
        return true;
    }
}
