using System.Buffers.Binary;
using System.Security.Cryptography;

namespace MoodDJ.Plugins.FernetCrypto;

/// <summary>
/// Fernet tokens (the spec Python's <c>cryptography.fernet</c> implements): version 0x80 ‖ timestamp
/// (64-bit big-endian seconds) ‖ IV (16) ‖ AES-128-CBC/PKCS7 ciphertext ‖ HMAC-SHA256 (32) over
/// everything before it; the token text is the URL-safe base64 of those bytes. The 32-byte key is
/// signing key (first 16) ‖ encryption key (last 16).
/// </summary>
public static class FernetToken
{
    public const byte Version = 0x80;
    public const int KeyLength = 32;
    public const int HeaderLength = 1 + 8 + 16;
    public const int MacLength = 32;
    public const int MinLength = HeaderLength + 16 + MacLength;

    /// <summary>Python's Fernet refuses tokens timestamped more than this far in the future.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(60);

    /// <summary>A new random key in Fernet's text form (URL-safe base64, like <c>Fernet.generate_key()</c>).</summary>
    public static string GenerateKey() => ToBase64Url(RandomNumberGenerator.GetBytes(KeyLength));

    /// <summary>Parses a key written as URL-safe or standard base64 of 32 bytes.</summary>
    public static byte[] ParseKey(string text)
    {
        var key = FromBase64Url(text.Trim());
        if (key is null || key.Length != KeyLength)
            throw new FormatException($"A Fernet key is {KeyLength} bytes in URL-safe base64 (44 characters); this one {(key is null ? "is not base64" : $"decodes to {key.Length} bytes")}.");
        return key;
    }

    /// <summary>Encrypts into a token's text form.</summary>
    public static string Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, DateTimeOffset? now = null) =>
        ToBase64Url(EncryptToBytes(key, plaintext, now ?? DateTimeOffset.UtcNow));

    /// <summary>Encrypts into a token's bytes (before base64).</summary>
    public static byte[] EncryptToBytes(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, DateTimeOffset now)
    {
        CheckKey(key);
        var cipherLength = (plaintext.Length / 16 + 1) * 16;
        var token = new byte[HeaderLength + cipherLength + MacLength];
        token[0] = Version;
        BinaryPrimitives.WriteUInt64BigEndian(token.AsSpan(1), (ulong)Math.Max(0, now.ToUnixTimeSeconds()));
        var iv = token.AsSpan(9, 16);
        RandomNumberGenerator.Fill(iv);
        using (var aes = Aes.Create())
        {
            aes.Key = key[16..].ToArray();
            aes.EncryptCbc(plaintext, iv, token.AsSpan(HeaderLength, cipherLength), PaddingMode.PKCS7);
        }
        HMACSHA256.HashData(key[..16], token.AsSpan(0, HeaderLength + cipherLength), token.AsSpan(HeaderLength + cipherLength));
        return token;
    }

    /// <summary>Decrypts a token's text form. <paramref name="ttl"/> null skips the age check (like Python without ttl).</summary>
    public static bool TryDecrypt(ReadOnlySpan<byte> key, string token, TimeSpan? ttl, DateTimeOffset now, out byte[] plaintext, out string? error)
    {
        plaintext = [];
        var bytes = FromBase64Url(token);
        if (bytes is null)
        {
            error = "the token is not URL-safe base64";
            return false;
        }
        return TryDecryptBytes(key, bytes, ttl, now, out plaintext, out _, out error);
    }

    /// <summary>Decrypts a token's bytes, checking version, MAC, then age. Never throws for bad input.</summary>
    public static bool TryDecryptBytes(ReadOnlySpan<byte> key, ReadOnlySpan<byte> token, TimeSpan? ttl, DateTimeOffset now,
        out byte[] plaintext, out DateTimeOffset timestamp, out string? error)
    {
        CheckKey(key);
        plaintext = [];
        timestamp = default;
        if (token.Length < MinLength || (token.Length - HeaderLength - MacLength) % 16 != 0)
        {
            error = $"the token is {token.Length} bytes: truncated or padded wrongly (a Fernet token is 73 + 16·n bytes)";
            return false;
        }
        if (token[0] != Version)
        {
            error = $"the token's version byte is 0x{token[0]:x2}, not 0x80";
            return false;
        }
        var signed = token[..^MacLength];
        Span<byte> mac = stackalloc byte[MacLength];
        HMACSHA256.HashData(key[..16], signed, mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, token[^MacLength..]))
        {
            error = "the token failed authentication: it was tampered with or made with another key";
            return false;
        }
        var seconds = BinaryPrimitives.ReadUInt64BigEndian(token[1..]);
        timestamp = seconds > (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds() ? DateTimeOffset.MaxValue : DateTimeOffset.FromUnixTimeSeconds((long)seconds);
        if (ttl is { } limit)
        {
            if (timestamp + limit < now)
            {
                error = $"the token expired: made {now - timestamp:c} ago, the TTL is {limit.TotalSeconds:0.#} s";
                return false;
            }
            if (timestamp > now + MaxClockSkew)
            {
                error = $"the token is dated {timestamp:u}, more than {MaxClockSkew.TotalSeconds:0} s in the future (clock skew)";
                return false;
            }
        }
        try
        {
            using var aes = Aes.Create();
            aes.Key = key[16..].ToArray();
            plaintext = aes.DecryptCbc(token[HeaderLength..^MacLength], token.Slice(9, 16), PaddingMode.PKCS7);
        }
        catch (CryptographicException)
        {
            error = "the token's padding is invalid";
            return false;
        }
        error = null;
        return true;
    }

    public static string ToBase64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');

    /// <summary>Decodes URL-safe (or standard) base64, padded or not; null if it is not base64.</summary>
    public static byte[]? FromBase64Url(string text)
    {
        var normalized = text.Replace('-', '+').Replace('_', '/').TrimEnd('=');
        if (normalized.Length % 4 == 1) return null;
        normalized = normalized.PadRight(normalized.Length + (4 - normalized.Length % 4) % 4, '=');
        try
        {
            return Convert.FromBase64String(normalized);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeyLength)
            throw new ArgumentException($"A Fernet key is {KeyLength} bytes, not {key.Length}.", nameof(key));
    }
}
