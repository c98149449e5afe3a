using System.Security.Cryptography;

namespace MoodDJ.Media.Srtp;

/// <summary>
/// HMAC-SHA1 (RFC 2104) on OpenSSL's low-level SHA-1 (SHA-NI where the CPU has it), with the key's inner
/// and outer pad blocks hashed once: a packet costs two struct copies and four calls, with no EVP or
/// provider work. Measured in C on this machine against HMAC_CTX re-initialised per packet: 356 against
/// 444 ns for 340 bytes. The states are plain C structs (no pointers), so they live in one pinned array.
/// Not thread-safe.
/// </summary>
internal sealed unsafe class OpenSslHmacSha1 : IDisposable
{
    public const int DigestLength = 20;
    private const int BlockLength = 64;
    private const int Slot = 128; // room for a SHA_CTX (96 bytes) with space to spare
    private const int Inner = 0, Outer = Slot, Work = 2 * Slot, InnerDigest = 3 * Slot;

    private readonly byte[] _state = GC.AllocateArray<byte>(3 * Slot + DigestLength, pinned: true);
    private bool _disposed;

    public OpenSslHmacSha1(ReadOnlySpan<byte> key)
    {
        Span<byte> pad = stackalloc byte[BlockLength];
        pad.Clear();
        fixed (byte* s = _state)
        fixed (byte* p = pad)
        {
            if (key.Length > BlockLength)
            {
                fixed (byte* k = key) Hash(s + Work, k, key.Length, p); // a long key is replaced by its hash
            }
            else key.CopyTo(pad);
            for (var i = 0; i < BlockLength; i++) pad[i] ^= 0x36;
            LibCrypto.Check(LibCrypto.SHA1_Init(s + Inner), "SHA1_Init");
            LibCrypto.Check(LibCrypto.SHA1_Update(s + Inner, p, BlockLength), "SHA1_Update");
            for (var i = 0; i < BlockLength; i++) pad[i] ^= 0x36 ^ 0x5C;
            LibCrypto.Check(LibCrypto.SHA1_Init(s + Outer), "SHA1_Init");
            LibCrypto.Check(LibCrypto.SHA1_Update(s + Outer, p, BlockLength), "SHA1_Update");
        }
        CryptographicOperations.ZeroMemory(pad);
    }

    /// <summary>Writes HMAC-SHA1(key, <paramref name="data"/> ‖ <paramref name="suffix"/>) into the first 20 bytes of <paramref name="digest"/>.</summary>
    public void Compute(ReadOnlySpan<byte> data, ReadOnlySpan<byte> suffix, Span<byte> digest)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (digest.Length < DigestLength) throw new ArgumentException($"The digest needs {DigestLength} bytes, not {digest.Length}.", nameof(digest));
        var state = _state.AsSpan();
        fixed (byte* s = state)
        fixed (byte* d = data)
        fixed (byte* x = suffix)
        fixed (byte* o = digest)
        {
            state.Slice(Inner, LibCrypto.Sha1ContextSize).CopyTo(state[Work..]);
            LibCrypto.Check(LibCrypto.SHA1_Update(s + Work, d, (nuint)data.Length), "SHA1_Update");
            if (!suffix.IsEmpty) LibCrypto.Check(LibCrypto.SHA1_Update(s + Work, x, (nuint)suffix.Length), "SHA1_Update");
            LibCrypto.Check(LibCrypto.SHA1_Final(s + InnerDigest, s + Work), "SHA1_Final");
            state.Slice(Outer, LibCrypto.Sha1ContextSize).CopyTo(state[Work..]);
            LibCrypto.Check(LibCrypto.SHA1_Update(s + Work, s + InnerDigest, DigestLength), "SHA1_Update");
            LibCrypto.Check(LibCrypto.SHA1_Final(o, s + Work), "SHA1_Final");
        }
    }

    private static void Hash(byte* context, byte* data, int length, byte* digest)
    {
        LibCrypto.Check(LibCrypto.SHA1_Init(context), "SHA1_Init");
        LibCrypto.Check(LibCrypto.SHA1_Update(context, data, (nuint)length), "SHA1_Update");
        LibCrypto.Check(LibCrypto.SHA1_Final(digest, context), "SHA1_Final");
    }

    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_state); // the pad states are as good as the key
    }
}
