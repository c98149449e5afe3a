using NSec.Cryptography;

namespace MoodDJ.Peers.Mesh;

/// <summary>
/// The station's Ed25519 key pair: it signs every mesh packet (and every attach ticket) so that
/// peers holding the shared stream key still cannot forge audio. libsodium signs in ~25 µs and
/// verifies in ~50 µs without allocating.
/// </summary>
public sealed class StreamSigner : IDisposable
{
    private readonly Key _key = Key.Create(SignatureAlgorithm.Ed25519);

    public const int SignatureLength = 64;

    /// <summary>The public key, raw 32 bytes in base64, as the subscribe result carries it.</summary>
    public string PublicKeyBase64 => Convert.ToBase64String(_key.PublicKey.Export(KeyBlobFormat.RawPublicKey));

    public void Sign(ReadOnlySpan<byte> data, Span<byte> signature) => SignatureAlgorithm.Ed25519.Sign(_key, data, signature);

    public void Dispose() => _key.Dispose();
}

/// <summary>Checks signatures against the station's public key.</summary>
public sealed class StreamVerifier
{
    private readonly PublicKey _key;

    public StreamVerifier(PublicKey key) => _key = key;

    /// <summary>Reads the subscribe result's base64 key; throws <see cref="FormatException"/> naming what was wrong.</summary>
    public static StreamVerifier FromBase64(string publicKey)
    {
        byte[] raw;
        try { raw = Convert.FromBase64String(publicKey); }
        catch (FormatException) { throw new FormatException("The station's signing key is not base64."); }
        if (!PublicKey.TryImport(SignatureAlgorithm.Ed25519, raw, KeyBlobFormat.RawPublicKey, out var key) || key is null)
            throw new FormatException($"The station's signing key is not an Ed25519 public key ({raw.Length} bytes).");
        return new StreamVerifier(key);
    }

    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        signature.Length == StreamSigner.SignatureLength && SignatureAlgorithm.Ed25519.Verify(_key, data, signature);
}
