using System.Security.Cryptography;
using MoodDJ.Abstractions.Crypto;

namespace MoodDJ.Plugins.FernetCrypto;

/// <summary>
/// The seed's scheme: one shared Fernet key. The handshake proves both ends hold it: the client sends
/// a hello token, the server answers with its own before checking the client's (so a wrong key is
/// reported on both ends). A hello's plaintext is "MDJF" ‖ role ('C'/'S') ‖ 16 random bytes.
/// </summary>
public sealed class FernetCryptoProvider(FernetOptions options) : ICryptoProvider
{
    private const int NonceLength = 16;
    private static ReadOnlySpan<byte> Magic => "MDJF"u8;

    public string Name => "fernet";

    public bool IsEncrypted => true;

    public async ValueTask<ISecureChannel> HandshakeAsync(IHandshakeTransport transport, HandshakeRole role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        var isClient = role == HandshakeRole.Client;
        var peer = isClient ? "server" : "client";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.HandshakeTimeout);
        var ownNonce = RandomNumberGenerator.GetBytes(NonceLength);
        var ownHello = Hello(isClient ? (byte)'C' : (byte)'S', ownNonce);
        ReadOnlyMemory<byte> peerHello;
        try
        {
            if (isClient) await transport.SendAsync(ownHello, timeout.Token);
            peerHello = await transport.ReceiveAsync(timeout.Token);
            if (!isClient) await transport.SendAsync(ownHello, timeout.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CryptoHandshakeException($"The fernet handshake timed out after {options.HandshakeTimeout.TotalSeconds:0.#} s waiting for the {peer}.", ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new CryptoHandshakeException($"The connection failed during the fernet handshake: {ex.Message}", ex);
        }

        var peerNonce = CheckHello(peerHello.Span, isClient ? (byte)'S' : (byte)'C', peer);
        var salt = isClient ? [.. ownNonce, .. peerNonce] : peerNonce.Concat(ownNonce).ToArray();
        return new FernetSecureChannel(options, role, salt);
    }

    private byte[] Hello(byte role, byte[] nonce) =>
        FernetToken.EncryptToBytes(options.Key, [.. Magic, role, .. nonce], options.Clock.GetUtcNow());

    private byte[] CheckHello(ReadOnlySpan<byte> token, byte expectedRole, string peer)
    {
        if (!FernetToken.TryDecryptBytes(options.Key, token, options.Ttl, options.Clock.GetUtcNow(), out var hello, out _, out var error))
        {
            var reason = error!.Contains("authentication")
                ? $"Wrong station key: the {peer}'s fernet hello did not verify. Both ends need the same key (plugins:settings:fernet:key or station:key)."
                : $"The {peer}'s fernet hello is not valid: {error} (is the {peer} using the fernet crypto plugin?).";
            throw new CryptoHandshakeException(reason);
        }
        if (hello.Length != Magic.Length + 1 + NonceLength || !hello.AsSpan(0, Magic.Length).SequenceEqual(Magic) || hello[Magic.Length] != expectedRole)
            throw new CryptoHandshakeException($"The {peer}'s fernet hello has the right key but not the expected content (a reflected or foreign token).");
        return hello[(Magic.Length + 1)..];
    }
}
