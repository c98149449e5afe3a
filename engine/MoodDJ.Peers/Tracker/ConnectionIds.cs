using System.Buffers.Binary;
using System.Security.Cryptography;

namespace MoodDJ.Peers.Tracker;

/// <summary>
/// Stateless connection ids, as opentracker makes them: an HMAC over the sender's address (IPv4 in the low 32 bits, or IPv6) and the
/// current time slice, under a secret drawn at start. Only someone who receives datagrams at that address
/// learns the id, so an id proves the address; it is valid for the slice it was made in and the next
/// (between one and two slice lengths), and the server keeps nothing per connect.
/// </summary>
public sealed class ConnectionIds
{
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);
    private readonly TimeProvider _time;
    private readonly long _sliceTicks;

    public ConnectionIds(TimeSpan sliceLength, TimeProvider? time = null)
    {
        if (sliceLength <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(sliceLength), sliceLength, "must be positive");
        _sliceTicks = sliceLength.Ticks;
        _time = time ?? TimeProvider.System;
    }

    public long Issue(UInt128 address) => Compute(address, CurrentSlice());

    public bool IsValid(UInt128 address, long connectionId)
    {
        var slice = CurrentSlice();
        // Fixed-time compare of both candidates: no early exit that tells a guesser how close it came.
        return (Compute(address, slice) == connectionId) | (Compute(address, slice - 1) == connectionId);
    }

    private long CurrentSlice() => _time.GetUtcNow().UtcTicks / _sliceTicks;

    private long Compute(UInt128 address, long slice)
    {
        Span<byte> input = stackalloc byte[24];
        BinaryPrimitives.WriteUInt128BigEndian(input, address);
        BinaryPrimitives.WriteInt64BigEndian(input[16..], slice);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_secret, input, mac);
        return BinaryPrimitives.ReadInt64BigEndian(mac);
    }
}
