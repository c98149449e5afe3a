using System.Net;

namespace MoodDJ.Protocol;

/// <summary>
/// Tells which built-in crypto scheme a peer speaks from the first handshake message it sent, so a
/// mismatch can be named on both ends ("docs/protocol.md", "Naming a crypto mismatch"). Each
/// scheme's first message has its own shape: aead starts "MDJA", none is "MDJN" 0x01, and a fernet
/// hello is a Fernet token (first byte 0x80, 57 + 16·k bytes; 89 for the hello).
/// </summary>
public static class CryptoSchemes
{
    public const string Aead = "aead";
    public const string Fernet = "fernet";
    public const string None = "none";

    private const byte FernetVersion = 0x80;
    private const int FernetFixedBytes = 57; // version 1 + timestamp 8 + IV 16 + HMAC 32
    private const int AesBlock = 16;

    /// <summary>True for a scheme <see cref="Identify"/> can recognise.</summary>
    public static bool IsKnown(string? name) => name is Aead or Fernet or None;

    /// <summary>The built-in scheme whose first handshake message <paramref name="message"/> is, or null when it is none of them.</summary>
    public static string? Identify(ReadOnlySpan<byte> message)
    {
        if (message.StartsWith("MDJA"u8)) return Aead;
        if (message.StartsWith("MDJN"u8)) return None;
        if (message.Length >= FernetFixedBytes + AesBlock && message[0] == FernetVersion && (message.Length - FernetFixedBytes) % AesBlock == 0)
            return Fernet;
        return null;
    }

    /// <summary>
    /// The scheme a peer speaks when it is not <paramref name="own"/> (null for an unknown one), or
    /// no mismatch when the first message is this side's own scheme or this side cannot tell.
    /// </summary>
    internal static bool IsMismatch(string own, ReadOnlySpan<byte> peerFirstMessage, out string? peerScheme)
    {
        peerScheme = Identify(peerFirstMessage);
        if (string.IsNullOrEmpty(own)) return false; // an unnamed provider: keep its own error
        if (peerScheme is null) return IsKnown(own); // a known scheme knows its own first message
        return peerScheme != own;
    }

    internal static string Describe(string? scheme) => scheme is null ? "an unknown crypto scheme" : $"crypto '{scheme}'";
}

/// <summary>
/// The two ends of a control connection use different crypto plugins. The message names both and
/// which setting to change; <see cref="StationCrypto"/> and <see cref="ClientCrypto"/> are null when
/// that end's scheme is not known.
/// </summary>
public sealed class CryptoMismatchException : MoodDJ.Abstractions.Crypto.CryptoHandshakeException
{
    private CryptoMismatchException(string message, string? station, string? client, EndPoint? remote, Exception? inner)
        : base(message, inner)
    {
        StationCrypto = station;
        ClientCrypto = client;
        RemoteEndPoint = remote;
    }

    public string? StationCrypto { get; }

    public string? ClientCrypto { get; }

    /// <summary>The peer's address (the client's, when raised on the server).</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>Raised on a client: the station answered in (or refused with) another scheme.</summary>
    public static CryptoMismatchException AtClient(string? station, string client, EndPoint? remote, Exception? inner = null)
    {
        var own = string.IsNullOrEmpty(client) ? "this client another" : $"this client '{client}'";
        var message = station is null
            ? $"The station at {remote} speaks an unknown crypto scheme and {own} (is it a MoodDJ station?): set use:crypto to the station's crypto plugin."
            : $"The station uses crypto '{station}' and {own}: set use:crypto to '{station}'.";
        return new CryptoMismatchException(message, station, string.IsNullOrEmpty(client) ? null : client, remote, inner);
    }

    /// <summary>Raised on a server: the client's first handshake message is another scheme's.</summary>
    public static CryptoMismatchException AtServer(string? client, string station, EndPoint? remote, Exception? inner = null) =>
        new($"client {remote} speaks {CryptoSchemes.Describe(client)}; this station uses '{station}'", station, client, remote, inner);

    /// <summary>What the server tells the client in its refusal frame (JSON-RPC error -32006).</summary>
    public static string RefusalMessage(string station) => $"This station uses crypto '{station}'; set use:crypto to '{station}'.";
}
