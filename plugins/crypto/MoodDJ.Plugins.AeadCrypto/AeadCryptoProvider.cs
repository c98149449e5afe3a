using System.Security.Cryptography;
using MoodDJ.Abstractions.Crypto;

namespace MoodDJ.Plugins.AeadCrypto;

/// <summary>
/// The default crypto: a per-connection ephemeral ECDH P-256 exchange authenticated by the station key.
/// Client → hello, server → hello + confirm, client → confirm. Each side sends its key confirmation
/// before checking the peer's, so a wrong key is reported on both ends ("wrong station key").
/// Forward secrecy comes from the ephemeral keys; the station key only authenticates.
/// </summary>
public sealed class AeadCryptoProvider(AeadOptions options) : ICryptoProvider
{
    public string Name => "aead";

    public bool IsEncrypted => true;

    public async ValueTask<ISecureChannel> HandshakeAsync(IHandshakeTransport transport, HandshakeRole role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.HandshakeTimeout);
        var step = new HandshakeStep(transport, role, timeout.Token, cancellationToken, options.HandshakeTimeout);
        using var ecdh = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var ownHello = AeadHandshakeMessages.WriteHello(ExportPublicKey(ecdh), RandomNumberGenerator.GetBytes(AeadHandshakeMessages.RandomLength));

        byte[] clientHello, serverHello;
        if (role == HandshakeRole.Client)
        {
            clientHello = ownHello;
            await step.SendAsync(clientHello, "hello");
            serverHello = (await step.ReceiveAsync("hello")).ToArray();
        }
        else
        {
            clientHello = (await step.ReceiveAsync("hello")).ToArray();
            serverHello = ownHello;
        }

        var peerHello = role == HandshakeRole.Client ? serverHello : clientHello;
        var peer = step.PeerName;
        var secret = DeriveSecret(ecdh, AeadHandshakeMessages.ReadHello(peerHello, peer), peer);
        var keys = AeadKeySchedule.Create(options.StationKey, secret, clientHello, serverHello);
        CryptographicOperations.ZeroMemory(secret);

        var isClient = role == HandshakeRole.Client;
        var ownConfirm = AeadHandshakeMessages.WriteConfirm(keys.ConfirmationMac(fromClient: isClient));
        if (!isClient)
            await step.SendAsync(serverHello, "hello");
        await step.SendAsync(ownConfirm, "key confirmation");
        var peerConfirm = await step.ReceiveAsync("key confirmation");
        var expected = keys.ConfirmationMac(fromClient: !isClient);
        if (!CryptographicOperations.FixedTimeEquals(AeadHandshakeMessages.ReadConfirm(peerConfirm.Span, peer), expected))
            throw new CryptoHandshakeException(
                $"Wrong station key: the {peer}'s key confirmation did not verify. Both ends must use the same station key " +
                "(station:key in mooddj.json, made by `mooddj keygen`); if they do, something between them altered the handshake.");
        return new AeadSecureChannel(keys, role);
    }

    private static byte[] ExportPublicKey(ECDiffieHellman ecdh)
    {
        var q = ecdh.ExportParameters(includePrivateParameters: false).Q;
        var key = new byte[AeadHandshakeMessages.PublicKeyLength];
        key[0] = 0x04;
        q.X!.CopyTo(key, 1);
        q.Y!.CopyTo(key, 33);
        return key;
    }

    private static byte[] DeriveSecret(ECDiffieHellman ecdh, ReadOnlySpan<byte> peerKey, string peer)
    {
        ECDiffieHellman peerEcdh;
        try
        {
            peerEcdh = ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = peerKey.Slice(1, 32).ToArray(), Y = peerKey.Slice(33, 32).ToArray() },
            });
        }
        catch (CryptographicException ex)
        {
            throw new CryptoHandshakeException($"The {peer}'s public key is not a valid P-256 point.", ex);
        }
        using (peerEcdh)
            return ecdh.DeriveRawSecretAgreement(peerEcdh.PublicKey);
    }

    /// <summary>Sends and receives handshake messages, turning timeouts and transport failures into clear errors.</summary>
    private sealed class HandshakeStep(IHandshakeTransport transport, HandshakeRole role, CancellationToken token, CancellationToken callerToken, TimeSpan timeout)
    {
        public string PeerName => role == HandshakeRole.Client ? "server" : "client";

        public async ValueTask SendAsync(byte[] message, string what)
        {
            try
            {
                await transport.SendAsync(message, token);
            }
            catch (Exception ex) when (ex is not CryptoHandshakeException)
            {
                throw Translate(ex, $"sending this side's {what}");
            }
        }

        public async ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(string what)
        {
            try
            {
                return await transport.ReceiveAsync(token);
            }
            catch (Exception ex) when (ex is not CryptoHandshakeException)
            {
                throw Translate(ex, $"waiting for the {PeerName}'s {what}");
            }
        }

        private Exception Translate(Exception ex, string doing)
        {
            if (ex is OperationCanceledException && callerToken.IsCancellationRequested)
                return ex; // the caller gave up (shutdown or its own timeout): not a handshake fault
            if (ex is OperationCanceledException)
                return new CryptoHandshakeException($"The aead handshake timed out after {timeout.TotalSeconds:0.#} s {doing}.", ex);
            return new CryptoHandshakeException($"The connection failed during the aead handshake while {doing}: {ex.Message}", ex);
        }
    }
}
