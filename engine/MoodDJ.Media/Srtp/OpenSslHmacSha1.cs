using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace MoodDJ.Media.Srtp;

/// <summary>
/// HMAC-SHA1 (RFC 2104) on OpenSSL's low-level SHA-1 (SHA-NI where the CPU has it), with the key's inner
/// and outer pad blocks hashed once. Only the two chaining values (5 words each) are kept, inline in the
/// owner's object; a packet rebuilds a <c>SHA_CTX</c> on the stack from them, so it touches no separate
/// state array. Per packet: <c>SHA1_Update</c> and <c>SHA1_Final</c> for the inner hash, then one
/// <c>SHA1_Transform</c> of the outer hash's single, hand-padded block (the outer input is always the
/// 64-byte pad plus a 20-byte digest). Not thread-safe.
/// </summary>
internal unsafe struct OpenSslHmacSha1
{
    public const int DigestLength = 20;
    private const int BlockLength = 64;

    // OpenSSL's SHA_CTX (sha.h): h0..h4, Nl, Nh, data[16], num — all 32-bit words.
    private const int NlWord = 5, NhWord = 6, NumWord = 22, ContextWords = 23;

    [InlineArray(10)]
    private struct ChainingValues
    {
        private uint _element;
    }

    private ChainingValues _h; // [0..5): after the inner pad block; [5..10): after the outer one

    public OpenSslHmacSha1(ReadOnlySpan<byte> key)
    {
        Span<byte> pad = stackalloc byte[BlockLength];
        pad.Clear();
        var context = stackalloc uint[ContextWords];
        fixed (byte* p = pad)
        {
            if (key.Length > BlockLength)
            {
                fixed (byte* k = key) Hash(context, k, key.Length, p); // a long key is replaced by its hash
            }
            else key.CopyTo(pad);
            for (var i = 0; i < BlockLength; i++) pad[i] ^= 0x36;
            LibCrypto.Check(LibCrypto.SHA1_Init(context), "SHA1_Init");
            LibCrypto.Check(LibCrypto.SHA1_Update(context, p, BlockLength), "SHA1_Update");
            for (var i = 0; i < 5; i++) _h[i] = context[i];
            for (var i = 0; i < BlockLength; i++) pad[i] ^= 0x36 ^ 0x5C;
            LibCrypto.Check(LibCrypto.SHA1_Init(context), "SHA1_Init");
            LibCrypto.Check(LibCrypto.SHA1_Update(context, p, BlockLength), "SHA1_Update");
            for (var i = 0; i < 5; i++) _h[5 + i] = context[i];
        }
        CryptographicOperations.ZeroMemory(pad);
        new Span<uint>(context, ContextWords).Clear();
    }

    /// <summary>Writes HMAC-SHA1(key, <paramref name="data"/> ‖ <paramref name="suffix"/>) into the first 20 bytes of <paramref name="digest"/>.</summary>
    public readonly void Compute(ReadOnlySpan<byte> data, ReadOnlySpan<byte> suffix, Span<byte> digest)
    {
        if (digest.Length < DigestLength) throw new ArgumentException($"The digest needs {DigestLength} bytes, not {digest.Length}.", nameof(digest));
        var context = stackalloc uint[ContextWords];
        var block = stackalloc byte[BlockLength];
        Resume(context, 0);
        fixed (byte* d = data)
        fixed (byte* x = suffix)
        {
            LibCrypto.Check(LibCrypto.SHA1_Update(context, d, (nuint)data.Length), "SHA1_Update");
            if (!suffix.IsEmpty) LibCrypto.Check(LibCrypto.SHA1_Update(context, x, (nuint)suffix.Length), "SHA1_Update");
        }
        LibCrypto.Check(LibCrypto.SHA1_Final(block, context), "SHA1_Final"); // the inner digest opens the outer block
        // FIPS 180-4 §5.1.1 padding of the outer message (64 + 20 bytes = 672 bits): 0x80, zeros, the bit length.
        new Span<byte>(block + DigestLength, BlockLength - DigestLength).Clear();
        block[DigestLength] = 0x80;
        BinaryPrimitives.WriteUInt16BigEndian(new Span<byte>(block + BlockLength - 2, 2), (BlockLength + DigestLength) * 8);
        Resume(context, 5);
        LibCrypto.SHA1_Transform(context, block); // void: it cannot fail
        for (var i = 0; i < 5; i++) BinaryPrimitives.WriteUInt32BigEndian(digest[(4 * i)..], context[i]);
    }

    /// <summary>A SHA_CTX as it stood right after one 64-byte pad block: chaining value, 512 bits counted, nothing buffered.</summary>
    private readonly void Resume(uint* context, int from)
    {
        for (var i = 0; i < 5; i++) context[i] = _h[from + i];
        (context[NlWord], context[NhWord], context[NumWord]) = (BlockLength * 8, 0, 0);
    }

    private static void Hash(uint* context, byte* data, int length, byte* digest)
    {
        LibCrypto.Check(LibCrypto.SHA1_Init(context), "SHA1_Init");
        LibCrypto.Check(LibCrypto.SHA1_Update(context, data, (nuint)length), "SHA1_Update");
        LibCrypto.Check(LibCrypto.SHA1_Final(digest, context), "SHA1_Final");
    }

    /// <summary>Forgets the pad states (they are as good as the key).</summary>
    public void Clear() => _h = default;
}
