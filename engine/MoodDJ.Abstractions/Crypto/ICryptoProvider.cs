namespace MoodDJ.Abstractions.Crypto;

/// <summary>
/// Secures the control channel: runs a handshake over unsealed frames, then seals and opens every
/// frame after it. Kind: "crypto".
/// </summary>
public interface ICryptoProvider
{
    /// <summary>
    /// False only for a provider whose channels pass frames in clear ("none"), so a host can warn at
    /// start, before any connection. Defaults to true.
    /// </summary>
    bool IsEncrypted => true;

    /// <summary>
    /// The scheme's name as <c>use:crypto</c> spells it ("aead", "fernet", "none"), so a peer using
    /// another plugin can be told which one to set. Empty (the default) when the provider does not
    /// say: a mismatch is then reported only as the provider's own handshake error.
    /// </summary>
    string Name => "";

    /// <summary>
    /// Runs this provider's handshake as <paramref name="role"/> over <paramref name="transport"/>.
    /// Throws <see cref="CryptoHandshakeException"/> naming what failed (wrong key, bad message,
    /// timeout) — never a raw stack of crypto errors.
    /// </summary>
    ValueTask<ISecureChannel> HandshakeAsync(IHandshakeTransport transport, HandshakeRole role, CancellationToken cancellationToken = default);
}

public enum HandshakeRole { Client, Server }

/// <summary>The framed, unsealed exchange a handshake runs over (the control connection before sealing).</summary>
public interface IHandshakeTransport
{
    ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default);

    /// <summary>Receives the next handshake message (an owned copy).</summary>
    ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// A channel's keys after a handshake: seals frames one way and opens them the other. Sealing is
/// ordered; opening rejects tampered, truncated and replayed frames.
/// </summary>
public interface ISecureChannel : IDisposable
{
    /// <summary>False for the "none" provider: frames pass in clear.</summary>
    bool IsEncrypted { get; }

    /// <summary>The most bytes <see cref="Seal"/> adds to a frame.</summary>
    int Overhead { get; }

    /// <summary>Seals <paramref name="plaintext"/> into <paramref name="destination"/>; returns the sealed length.</summary>
    int Seal(ReadOnlySpan<byte> plaintext, Span<byte> destination);

    /// <summary>
    /// Opens a sealed frame into <paramref name="destination"/>. Returns false (and a reason) for a
    /// tampered, truncated or replayed frame; never throws for bad input.
    /// </summary>
    bool TryOpen(ReadOnlySpan<byte> sealedFrame, Span<byte> destination, out int written, out string? error);

    /// <summary>
    /// Derives <paramref name="length"/> bytes of keying material bound to this session and to
    /// <paramref name="label"/> (like a TLS exporter); both ends get the same bytes. Used for SRTP
    /// master keys. Throws <see cref="NotSupportedException"/> when the channel is not encrypted.
    /// </summary>
    byte[] ExportKeyingMaterial(string label, int length);
}

/// <summary>A handshake failed; the message says why (wrong key, malformed message, timeout).</summary>
public class CryptoHandshakeException(string message, Exception? inner = null) : Exception(message, inner);
