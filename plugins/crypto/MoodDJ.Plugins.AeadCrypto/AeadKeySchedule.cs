using System.Security.Cryptography;
using System.Text;

namespace MoodDJ.Plugins.AeadCrypto;

/// <summary>
/// Turns (station key, ECDH secret, transcript) into every key the session uses. All derivations are
/// HKDF-SHA256 (RFC 5869); see docs/protocol.md for the labels. The station key is the HKDF salt, so
/// a party without it derives nothing useful even if it ran the ECDH itself (a MITM).
/// </summary>
internal sealed class AeadKeySchedule
{
    public const int KeyLength = 32;
    public const int IvLength = 12;

    private static ReadOnlySpan<byte> TranscriptPrefix => "MoodDJ aead v1"u8;

    private AeadKeySchedule(byte[] sessionSecret, byte[] transcriptHash)
    {
        SessionSecret = sessionSecret;
        TranscriptHash = transcriptHash;
    }

    /// <summary>HKDF-Expand(PRK, "mdj session" ‖ H(transcript)): bound to both hellos.</summary>
    public byte[] SessionSecret { get; }

    /// <summary>SHA-256("MoodDJ aead v1" ‖ client hello ‖ server hello).</summary>
    public byte[] TranscriptHash { get; }

    public static AeadKeySchedule Create(ReadOnlySpan<byte> stationKey, ReadOnlySpan<byte> ecdhSecret, ReadOnlySpan<byte> clientHello, ReadOnlySpan<byte> serverHello)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(TranscriptPrefix);
        sha.AppendData(clientHello);
        sha.AppendData(serverHello);
        var transcriptHash = sha.GetHashAndReset();

        Span<byte> prk = stackalloc byte[32];
        HKDF.Extract(HashAlgorithmName.SHA256, ecdhSecret, stationKey, prk);
        var secret = new byte[KeyLength];
        HKDF.Expand(HashAlgorithmName.SHA256, prk, secret, Info("mdj session", transcriptHash));
        CryptographicOperations.ZeroMemory(prk);
        return new AeadKeySchedule(secret, transcriptHash);
    }

    public byte[] Derive(string label, int length)
    {
        var output = new byte[length];
        HKDF.Expand(HashAlgorithmName.SHA256, SessionSecret, output, Info(label, []));
        return output;
    }

    /// <summary>The key-confirmation MAC one side sends: HMAC-SHA256(confirm key of that side, transcript hash).</summary>
    public byte[] ConfirmationMac(bool fromClient)
    {
        var key = Derive(fromClient ? "mdj client confirm" : "mdj server confirm", KeyLength);
        var mac = HMACSHA256.HashData(key, TranscriptHash);
        CryptographicOperations.ZeroMemory(key);
        return mac;
    }

    /// <summary>Exporter: HKDF-Expand(exporter secret, "mdj exporter " ‖ label, length).</summary>
    public static byte[] Export(ReadOnlySpan<byte> exporterSecret, string label, int length)
    {
        var output = new byte[length];
        HKDF.Expand(HashAlgorithmName.SHA256, exporterSecret, output, Info("mdj exporter " + label, []));
        return output;
    }

    private static byte[] Info(string label, ReadOnlySpan<byte> context)
    {
        var labelBytes = Encoding.UTF8.GetBytes(label);
        var info = new byte[labelBytes.Length + context.Length];
        labelBytes.CopyTo(info, 0);
        context.CopyTo(info.AsSpan(labelBytes.Length));
        return info;
    }
}
