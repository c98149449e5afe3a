using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace MoodDJ.Media.Srtp;

/// <summary>
/// AES-128 in counter mode on the CPU's AES instructions, from managed code: the 11 round keys live
/// inline in this struct (176 bytes in the owner's object), so protecting a packet for one of 1,000
/// listeners touches no native context and makes no call (through OpenSSL's EVP it was two calls, the
/// provider's dispatch and two separately allocated contexts per listener, cold in the cache by the time
/// that listener's turn came). Four blocks are in flight at a time so the AES unit's latency overlaps.
/// Same keystream as OpenSSL's CTR (a 128-bit big-endian counter from the IV; tested against it and
/// RFC 3711 B.2). Used where <see cref="IsSupported"/>; elsewhere <see cref="AesCounterMode"/> calls OpenSSL.
/// </summary>
internal struct AesNiCounterMode
{
    private const int BlockSize = AesCounterMode.BlockSize;

    public static bool IsSupported => X86Aes.IsSupported && Ssse3.IsSupported;

    [InlineArray(11)]
    private struct RoundKeys
    {
        private Vector128<byte> _element;
    }

    private RoundKeys _keys;

    public AesNiCounterMode(ReadOnlySpan<byte> key)
    {
        if (key.Length != 16) throw new ArgumentException($"AES-128 needs a 16-byte key, not {key.Length} bytes.", nameof(key));
        if (!IsSupported) throw new PlatformNotSupportedException("This CPU has no AES instructions.");
        // FIPS 197 §5.2 for 128-bit keys; KeygenAssist's round constant must be a literal, hence ten lines.
        var k = Vector128.Create(key);
        _keys[0] = k;
        _keys[1] = k = Next(k, X86Aes.KeygenAssist(k, 0x01));
        _keys[2] = k = Next(k, X86Aes.KeygenAssist(k, 0x02));
        _keys[3] = k = Next(k, X86Aes.KeygenAssist(k, 0x04));
        _keys[4] = k = Next(k, X86Aes.KeygenAssist(k, 0x08));
        _keys[5] = k = Next(k, X86Aes.KeygenAssist(k, 0x10));
        _keys[6] = k = Next(k, X86Aes.KeygenAssist(k, 0x20));
        _keys[7] = k = Next(k, X86Aes.KeygenAssist(k, 0x40));
        _keys[8] = k = Next(k, X86Aes.KeygenAssist(k, 0x80));
        _keys[9] = k = Next(k, X86Aes.KeygenAssist(k, 0x1B));
        _keys[10] = Next(k, X86Aes.KeygenAssist(k, 0x36));
    }

    private static Vector128<byte> Next(Vector128<byte> key, Vector128<byte> assist)
    {
        var word = Sse2.Shuffle(assist.AsInt32(), 0xFF).AsByte(); // SubWord(RotWord(w3)) ^ rcon, in every lane
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        return key ^ word;
    }

    /// <summary>XORs <paramref name="data"/> in place with the keystream that starts at the 16-byte <paramref name="iv"/>.</summary>
    public readonly void Apply(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        if (iv.Length != BlockSize) throw new ArgumentException($"The counter block is 16 bytes, not {iv.Length}.", nameof(iv));
        var high = BinaryPrimitives.ReadUInt64BigEndian(iv);
        var low = BinaryPrimitives.ReadUInt64BigEndian(iv[8..]);
        ref var d = ref MemoryMarshal.GetReference(data);
        var offset = 0;
        var block = 0UL;
        for (; data.Length - offset >= 4 * BlockSize; offset += 4 * BlockSize, block += 4)
        {
            var b0 = Counter(high, low, block);
            var b1 = Counter(high, low, block + 1);
            var b2 = Counter(high, low, block + 2);
            var b3 = Counter(high, low, block + 3);
            Encrypt4(ref b0, ref b1, ref b2, ref b3);
            Xor(ref d, offset, b0);
            Xor(ref d, offset + BlockSize, b1);
            Xor(ref d, offset + 2 * BlockSize, b2);
            Xor(ref d, offset + 3 * BlockSize, b3);
        }
        for (; data.Length - offset >= BlockSize; offset += BlockSize, block++)
            Xor(ref d, offset, Encrypt(Counter(high, low, block)));
        if (offset < data.Length)
        {
            Span<byte> last = stackalloc byte[BlockSize];
            Encrypt(Counter(high, low, block)).CopyTo(last);
            for (var i = 0; offset + i < data.Length; i++) data[offset + i] ^= last[i];
        }
    }

    /// <summary>Counter block IV + j, as the big-endian 128-bit number OpenSSL's CTR counts in.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Counter(ulong high, ulong low, ulong block)
    {
        var sum = low + block;
        if (sum < low) high++; // carry into the high half (never for SRTP: the IV's low 16 bits are zero)
        return Vector128.Shuffle(Vector128.Create(sum, high).AsByte(),
            Vector128.Create((byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly Vector128<byte> Encrypt(Vector128<byte> b)
    {
        b ^= _keys[0];
        for (var r = 1; r < 10; r++) b = X86Aes.Encrypt(b, _keys[r]);
        return X86Aes.EncryptLast(b, _keys[10]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // with its four blocks kept in registers, not behind the refs
    private readonly void Encrypt4(ref Vector128<byte> b0, ref Vector128<byte> b1, ref Vector128<byte> b2, ref Vector128<byte> b3)
    {
        var k = _keys[0];
        (b0, b1, b2, b3) = (b0 ^ k, b1 ^ k, b2 ^ k, b3 ^ k);
        for (var r = 1; r < 10; r++)
        {
            k = _keys[r];
            (b0, b1, b2, b3) = (X86Aes.Encrypt(b0, k), X86Aes.Encrypt(b1, k), X86Aes.Encrypt(b2, k), X86Aes.Encrypt(b3, k));
        }
        k = _keys[10];
        (b0, b1, b2, b3) = (X86Aes.EncryptLast(b0, k), X86Aes.EncryptLast(b1, k), X86Aes.EncryptLast(b2, k), X86Aes.EncryptLast(b3, k));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Xor(ref byte data, int offset, Vector128<byte> keystream) =>
        (Vector128.LoadUnsafe(ref data, (nuint)offset) ^ keystream).StoreUnsafe(ref data, (nuint)offset);

    /// <summary>Forgets the round keys (they are as good as the key).</summary>
    public void Clear() => _keys = default;
}
