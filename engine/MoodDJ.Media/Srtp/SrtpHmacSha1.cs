using System.Security.Cryptography;

namespace MoodDJ.Media.Srtp;

/// <summary>
/// HMAC-SHA1 for SRTP tags, keyed once: OpenSSL directly where it loads, else the BCL's IncrementalHash
/// (<see cref="SrtpCrypto.Default"/>). Nothing is allocated per call. Not thread-safe. A struct, inline
/// in its owner like <see cref="AesCounterMode"/>: keep it in a non-readonly field and never copy it.
/// </summary>
internal struct SrtpHmacSha1 : IDisposable
{
    public const int DigestLength = 20;

    private OpenSslHmacSha1 _native;
    private readonly IncrementalHash? _managed;
    private bool _disposed;

    public SrtpHmacSha1(ReadOnlySpan<byte> key, SrtpCryptoBackend backend)
    {
        if (backend == SrtpCryptoBackend.Native) _native = new OpenSslHmacSha1(key);
        else _managed = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, key);
    }

    /// <summary>Writes HMAC-SHA1(key, <paramref name="data"/> ‖ <paramref name="suffix"/>) into <c>digest[..20]</c>.</summary>
    public readonly void Compute(ReadOnlySpan<byte> data, ReadOnlySpan<byte> suffix, Span<byte> digest)
    {
        if (_disposed) throw new ObjectDisposedException(nameof(SrtpHmacSha1)); // the pad states are zero once disposed
        if (_managed is null)
        {
            _native.Compute(data, suffix, digest);
            return;
        }
        _managed.AppendData(data);
        if (!suffix.IsEmpty) _managed.AppendData(suffix);
        _managed.GetHashAndReset(digest);
    }

    public void Dispose()
    {
        _disposed = true;
        _native.Clear();
        _managed?.Dispose();
    }
}
