namespace MoodDJ.Media.Srtp;

/// <summary>
/// AES in counter mode as RFC 3711 §4.1.1 defines it: keystream block j = AES(key, IV + j), the
/// 16-bit block counter added into the IV's last two bytes. Runs on OpenSSL directly where it loads,
/// else on the BCL (<see cref="SrtpCrypto.Default"/>); both give the same bytes. Nothing is allocated
/// per call. Not thread-safe: one caller at a time.
/// </summary>
internal sealed class AesCounterMode : IDisposable
{
    public const int BlockSize = 16;

    private readonly OpenSslAesCtr? _native;
    private readonly ManagedAesCounterMode? _managed;

    public AesCounterMode(ReadOnlySpan<byte> key) : this(key, SrtpCrypto.Default) { }

    public AesCounterMode(ReadOnlySpan<byte> key, SrtpCryptoBackend backend)
    {
        if (backend == SrtpCryptoBackend.Native) _native = new OpenSslAesCtr(key);
        else _managed = new ManagedAesCounterMode(key);
    }

    /// <summary>XORs <paramref name="data"/> in place with the keystream that starts at <paramref name="iv"/> (16 bytes, last two zero).</summary>
    public void Apply(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        if (_native is not null) _native.Apply(iv, data);
        else _managed!.Apply(iv, data);
    }

    /// <summary>Writes the first <c>output.Length</c> keystream bytes (the PRF of RFC 3711 §4.3.3).</summary>
    public void Keystream(ReadOnlySpan<byte> iv, Span<byte> output)
    {
        output.Clear();
        Apply(iv, output);
    }

    public void Dispose()
    {
        _native?.Dispose();
        _managed?.Dispose();
    }
}
