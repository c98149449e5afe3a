using System.Buffers.Binary;
using MoodDJ.Abstractions.Crypto;

namespace MoodDJ.Plugins.AeadCrypto;

/// <summary>
/// The two handshake messages of the "aead" scheme and their exact byte layouts
/// (docs/protocol.md, "Handshake and sealing").
/// Hello:   "MDJA" | version 0x01 | type 0x01 | 65-byte P-256 public key (0x04‖X‖Y) | 32-byte random  = 103 bytes.
/// Confirm: "MDJA" | version 0x01 | type 0x02 | 32-byte HMAC-SHA256 key confirmation              =  38 bytes.
/// </summary>
internal static class AeadHandshakeMessages
{
    public const byte Version = 1;
    public const byte HelloType = 1;
    public const byte ConfirmType = 2;
    public const int HeaderLength = 6;
    public const int PublicKeyLength = 65;
    public const int RandomLength = 32;
    public const int MacLength = 32;
    public const int HelloLength = HeaderLength + PublicKeyLength + RandomLength;
    public const int ConfirmLength = HeaderLength + MacLength;

    private static ReadOnlySpan<byte> Magic => "MDJA"u8;

    public static byte[] WriteHello(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> random)
    {
        var message = new byte[HelloLength];
        WriteHeader(message, HelloType);
        publicKey.CopyTo(message.AsSpan(HeaderLength, PublicKeyLength));
        random.CopyTo(message.AsSpan(HeaderLength + PublicKeyLength, RandomLength));
        return message;
    }

    public static byte[] WriteConfirm(ReadOnlySpan<byte> mac)
    {
        var message = new byte[ConfirmLength];
        WriteHeader(message, ConfirmType);
        mac.CopyTo(message.AsSpan(HeaderLength));
        return message;
    }

    /// <summary>Checks a received hello and returns the peer's public key (uncompressed point).</summary>
    public static ReadOnlySpan<byte> ReadHello(ReadOnlySpan<byte> message, string from)
    {
        CheckHeader(message, HelloType, HelloLength, from, "hello");
        var key = message.Slice(HeaderLength, PublicKeyLength);
        if (key[0] != 0x04)
            throw new CryptoHandshakeException($"The {from}'s hello carries a malformed public key (first byte 0x{key[0]:x2}, expected 0x04 for an uncompressed P-256 point).");
        return key;
    }

    public static ReadOnlySpan<byte> ReadConfirm(ReadOnlySpan<byte> message, string from)
    {
        CheckHeader(message, ConfirmType, ConfirmLength, from, "key confirmation");
        return message.Slice(HeaderLength, MacLength);
    }

    private static void WriteHeader(Span<byte> message, byte type)
    {
        Magic.CopyTo(message);
        message[4] = Version;
        message[5] = type;
    }

    private static void CheckHeader(ReadOnlySpan<byte> message, byte type, int length, string from, string what)
    {
        if (message.Length < HeaderLength || !message[..4].SequenceEqual(Magic))
            throw new CryptoHandshakeException(
                $"The {from} sent {Describe(message)} where an aead {what} was expected: it is not speaking MoodDJ's aead handshake (is it configured with another crypto plugin?).");
        if (message[4] != Version)
            throw new CryptoHandshakeException($"The {from} speaks aead handshake version {message[4]}; this side speaks version {Version}. Upgrade the older side.");
        if (message[5] != type)
            throw new CryptoHandshakeException($"The {from} sent aead message type {message[5]} where a {what} (type {type}) was expected.");
        if (message.Length != length)
            throw new CryptoHandshakeException($"The {from}'s {what} is {message.Length} bytes; it must be exactly {length}.");
    }

    private static string Describe(ReadOnlySpan<byte> message)
    {
        var shown = Convert.ToHexString(message[..Math.Min(8, message.Length)]).ToLowerInvariant();
        return $"{message.Length} bytes starting {(shown.Length == 0 ? "(empty)" : shown)}";
    }

    internal static ulong ReadUInt64(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadUInt64BigEndian(source);
}
