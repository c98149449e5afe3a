namespace MoodDJ.Media.Srtp;

/// <summary>
/// AES in counter mode as RFC 3711 §4.1.1 defines it: keystream block j = AES(key, IV + j), the
/// 16-bit block counter added into the IV's last two bytes. The native backend runs on the CPU's AES
/// instructions from managed code (<see cref="AesNiCounterMode"/>, round keys inline here) or, on a CPU
/// without them, on OpenSSL's EVP; the managed backend on the BCL (<see cref="SrtpCrypto.Default"/>).
/// All give the same bytes. Nothing is allocated per call. Not thread-safe: one caller at a time.
/// A struct so the round keys sit inside the object that owns it (the fan-out touches 1,000 of these a
/// frame, and each reference followed is one more cache miss); keep it in a non-readonly field and never copy it.
/// </summary>
internal struct AesCounterMode : IDisposable
{
    public const int BlockSize = 16;

    private AesNiCounterMode _aesNi;
    private readonly bool _useAesNi;
    private bool _disposed;
    private readonly OpenSslAesCtr? _native;
    private readonly ManagedAesCounterMode? _managed;

    public AesCounterMode(ReadOnlySpan<byte> key) : this(key, SrtpCrypto.Default) { }

    public AesCounterMode(ReadOnlySpan<byte> key, SrtpCryptoBackend backend)
    {
        if (backend == SrtpCryptoBackend.Native && AesNiCounterMode.IsSupported) (_aesNi, _useAesNi) = (new AesNiCounterMode(key), true);
        else if (backend == SrtpCryptoBackend.Native) _native = new OpenSslAesCtr(key);
        else _managed = new ManagedAesCounterMode(key);
    }

    /// <summary>XORs <paramref name="data"/> in place with the keystream that starts at <paramref name="iv"/> (16 bytes, last two zero).</summary>
    public readonly void Apply(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        if (_disposed) throw new ObjectDisposedException(nameof(AesCounterMode)); // the round keys are zero once disposed: never encrypt with them
        if (_useAesNi) _aesNi.Apply(iv, data);
        else if (_native is not null) _native.Apply(iv, data);
        else _managed!.Apply(iv, data);
    }

    /// <summary>Writes the first <c>output.Length</c> keystream bytes (the PRF of RFC 3711 §4.3.3).</summary>
    public readonly void Keystream(ReadOnlySpan<byte> iv, Span<byte> output)
    {
        output.Clear();
        Apply(iv, output);
    }

    public void Dispose()
    {
        _disposed = true;
        _aesNi.Clear();
        _native?.Dispose();
        _managed?.Dispose();
    }
}
