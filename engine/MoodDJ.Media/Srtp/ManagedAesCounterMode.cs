using System.Security.Cryptography;

namespace MoodDJ.Media.Srtp;

/// <summary>
/// AES in counter mode as RFC 3711 §4.1.1 defines it: keystream block j = AES(key, IV + j), the
/// 16-bit block counter added into the IV's last two bytes. Counter blocks are built in a buffer
/// owned by this instance and encrypted by one reused ECB transform, so nothing is allocated per packet.
/// The fallback where libcrypto cannot be called directly (see <see cref="AesCounterMode"/>).
/// Not thread-safe: one caller at a time.
/// </summary>
internal sealed class ManagedAesCounterMode : IDisposable
{
    private const int BlockSize = AesCounterMode.BlockSize;
    private const int ChunkBlocks = 128; // 2 KiB of keystream per ECB call

    private readonly Aes _aes;
    private readonly ICryptoTransform _ecb; // reused: Aes.EncryptEcb allocates a native context per call
    private readonly byte[] _counterBlocks = new byte[ChunkBlocks * BlockSize];
    private readonly byte[] _keystream = new byte[ChunkBlocks * BlockSize];

    public ManagedAesCounterMode(ReadOnlySpan<byte> key)
    {
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _ecb = _aes.CreateEncryptor();
    }

    /// <summary>XORs <paramref name="data"/> in place with the keystream that starts at <paramref name="iv"/> (16 bytes, last two zero).</summary>
    public void Apply(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        var block = 0;
        while (!data.IsEmpty)
        {
            var blocks = Math.Min(ChunkBlocks, (data.Length + BlockSize - 1) / BlockSize);
            var bytes = blocks * BlockSize;
            for (var j = 0; j < blocks; j++, block++)
            {
                var counter = _counterBlocks.AsSpan(j * BlockSize, BlockSize);
                iv.CopyTo(counter);
                // IV + j: the low 16 bits of the IV are zero by construction, so this is a plain add
                // with carry into byte 13 for very large inputs (key derivation never goes that far).
                var low = (counter[14] << 8 | counter[15]) + block;
                counter[15] = (byte)low;
                counter[14] = (byte)(low >> 8);
                if (low > 0xFFFF) counter[13] += (byte)(low >> 16);
            }
            _ecb.TransformBlock(_counterBlocks, 0, bytes, _keystream, 0);
            var n = Math.Min(bytes, data.Length);
            Xor(data[..n], _keystream.AsSpan(0, n));
            data = data[n..];
        }
    }

    private static void Xor(Span<byte> data, ReadOnlySpan<byte> keystream)
    {
        var i = 0;
        var longs = data.Length / 8;
        var dataLongs = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(data);
        var keyLongs = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(keystream);
        for (; i < longs; i++) dataLongs[i] ^= keyLongs[i];
        for (i *= 8; i < data.Length; i++) data[i] ^= keystream[i];
    }

    public void Dispose()
    {
        _ecb.Dispose();
        _aes.Dispose();
    }
}
