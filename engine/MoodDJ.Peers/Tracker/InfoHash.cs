using System.Buffers.Binary;

namespace MoodDJ.Peers.Tracker;

/// <summary>A 20-byte BitTorrent info-hash held in three fields, so it is a cheap dictionary key (no array per packet).</summary>
public readonly record struct InfoHash(ulong A, ulong B, uint C)
{
    public const int Length = 20;

    public static InfoHash Read(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadUInt64BigEndian(source),
        BinaryPrimitives.ReadUInt64BigEndian(source[8..]),
        BinaryPrimitives.ReadUInt32BigEndian(source[16..]));

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, A);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], B);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], C);
    }

    /// <summary>From a swarm id of 40 hex digits (see <see cref="StationSwarmId"/>); throws naming the bad id otherwise.</summary>
    public static InfoHash FromSwarmId(string swarmId)
    {
        Span<byte> bytes = stackalloc byte[Length];
        if (swarmId is null || !StationSwarmId.TryParse(swarmId, bytes))
            throw new ArgumentException($"Swarm id '{swarmId}' is not an info-hash of 40 hex digits.", nameof(swarmId));
        return Read(bytes);
    }

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Length];
        Write(bytes);
        return Convert.ToHexStringLower(bytes);
    }
}
