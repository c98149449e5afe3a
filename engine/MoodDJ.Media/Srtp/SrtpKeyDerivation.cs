namespace MoodDJ.Media.Srtp;

/// <summary>
/// RFC 3711 §4.3 key derivation with key_derivation_rate 0: each session key is the AES-CM keystream
/// under the master key from IV = (master salt XOR (label ‖ 0⁴⁸)) · 2¹⁶.
/// </summary>
internal static class SrtpKeyDerivation
{
    public const byte RtpEncryptionLabel = 0x00;
    public const byte RtpAuthenticationLabel = 0x01;
    public const byte RtpSaltLabel = 0x02;
    public const byte RtcpEncryptionLabel = 0x03;
    public const byte RtcpAuthenticationLabel = 0x04;
    public const byte RtcpSaltLabel = 0x05;

    public const int SessionKeyLength = 16;
    public const int SessionAuthKeyLength = 20;
    public const int SessionSaltLength = 14;

    public static SrtpSessionKeys Derive(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt) =>
        Derive(masterKey, masterSalt, SrtpCrypto.Default);

    public static SrtpSessionKeys Derive(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, SrtpCryptoBackend backend)
    {
        using var prf = new AesCounterMode(masterKey, backend);
        return new SrtpSessionKeys(
            DeriveOne(prf, masterSalt, RtpEncryptionLabel, SessionKeyLength),
            DeriveOne(prf, masterSalt, RtpAuthenticationLabel, SessionAuthKeyLength),
            DeriveOne(prf, masterSalt, RtpSaltLabel, SessionSaltLength));
    }

    /// <summary>The SRTCP session keys (labels 3, 4, 5; RFC 3711 §4.3.2).</summary>
    public static SrtpSessionKeys DeriveRtcp(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt) =>
        DeriveRtcp(masterKey, masterSalt, SrtpCrypto.Default);

    public static SrtpSessionKeys DeriveRtcp(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, SrtpCryptoBackend backend)
    {
        using var prf = new AesCounterMode(masterKey, backend);
        return new SrtpSessionKeys(
            DeriveOne(prf, masterSalt, RtcpEncryptionLabel, SessionKeyLength),
            DeriveOne(prf, masterSalt, RtcpAuthenticationLabel, SessionAuthKeyLength),
            DeriveOne(prf, masterSalt, RtcpSaltLabel, SessionSaltLength));
    }

    private static byte[] DeriveOne(AesCounterMode prf, ReadOnlySpan<byte> masterSalt, byte label, int length)
    {
        Span<byte> iv = stackalloc byte[AesCounterMode.BlockSize];
        masterSalt.CopyTo(iv);
        iv[7] ^= label; // key_id = label ‖ r (48 bits, zero at kdr 0), aligned to the salt's low 56 bits
        var output = new byte[length];
        prf.Keystream(iv, output);
        return output;
    }
}

/// <summary>The session keys one master key yields for SRTP.</summary>
internal sealed record SrtpSessionKeys(byte[] EncryptionKey, byte[] AuthenticationKey, byte[] Salt)
{
    /// <summary>The 14-byte salt as the IV's two big-endian words (its low 16 bits zero), read once so a packet only XORs.</summary>
    public (ulong High, ulong Low) SaltWords()
    {
        Span<byte> salt = stackalloc byte[16];
        salt.Clear();
        Salt.CopyTo(salt);
        return (System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(salt), System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(salt[8..]));
    }
}
