namespace MoodDJ.Media.Srtp;

/// <summary>
/// AES-128 in counter mode through OpenSSL's EVP, keyed once. RFC 3711's AES-CM keystream block j is
/// AES(key, IV + j) with the IV's low 16 bits zero, which is exactly a 128-bit big-endian counter
/// starting at the IV, so OpenSSL's CTR gives the same keystream (checked against RFC 3711 B.2 and the
/// managed path). Per packet only the IV is set, then one in-place update. Not thread-safe.
/// </summary>
internal sealed unsafe class OpenSslAesCtr : IDisposable
{
    private readonly SafeCipherContextHandle _context;
    private readonly nint _raw; // _context's pointer, read once: a packet then touches no SafeHandle
    private bool _disposed;

    public OpenSslAesCtr(ReadOnlySpan<byte> key)
    {
        if (key.Length != 16) throw new ArgumentException($"AES-128 needs a 16-byte key, not {key.Length} bytes.", nameof(key));
        _context = SafeCipherContextHandle.Create();
        fixed (byte* k = key)
            LibCrypto.Check(LibCrypto.EVP_EncryptInit_ex(_context.DangerousGetHandle(), LibCrypto.EVP_aes_128_ctr(), 0, k, null), "EVP_EncryptInit_ex");
        _raw = _context.DangerousGetHandle();
    }

    /// <summary>XORs <paramref name="data"/> in place with the keystream that starts at the 16-byte <paramref name="iv"/>.</summary>
    public void Apply(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        if (iv.Length != 16) throw new ArgumentException($"The counter block is 16 bytes, not {iv.Length}.", nameof(iv));
        if (data.IsEmpty) return;
        // The raw pointer is safe to use: the owner serialises calls and Dispose under one lock, so the
        // context cannot be freed during a call (and this saves the SafeHandle's two interlocked ops).
        ObjectDisposedException.ThrowIf(_disposed, this);
        var context = _raw;
        fixed (byte* v = iv)
        fixed (byte* d = data)
        {
            LibCrypto.Check(LibCrypto.EVP_EncryptInit_ex(context, 0, 0, null, v), "EVP_EncryptInit_ex (IV)");
            int written;
            LibCrypto.Check(LibCrypto.EVP_EncryptUpdate(context, d, &written, d, data.Length), "EVP_EncryptUpdate");
            if (written != data.Length)
                throw new System.Security.Cryptography.CryptographicException($"OpenSSL AES-CTR wrote {written} of {data.Length} bytes.");
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _context.Dispose();
    }
}
