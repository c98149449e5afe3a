using MoodDJ.Abstractions.Crypto;

namespace MoodDJ.Plugins.NoCrypto;

/// <summary>
/// No encryption: frames pass in clear. The handshake still exchanges one marker message each way so
/// that a peer configured with another crypto plugin fails at once with a clear reason instead of
/// misreading frames later.
/// </summary>
public sealed class NoCryptoProvider : ICryptoProvider
{
    /// <summary>What a host should log at start when this provider is in use.</summary>
    public const string Warning = "Crypto is \"none\": control messages and the stream travel in clear and unauthenticated. Use it only on a trusted network or in tests.";

    /// <summary>The one handshake message each side sends: "MDJN" | version 0x01.</summary>
    public static ReadOnlySpan<byte> Hello => "MDJN\x01"u8;

    private readonly TimeSpan _timeout;

    public NoCryptoProvider(TimeSpan? handshakeTimeout = null) => _timeout = handshakeTimeout ?? TimeSpan.FromSeconds(10);

    public string Name => "none";

    public bool IsEncrypted => false;

    public async ValueTask<ISecureChannel> HandshakeAsync(IHandshakeTransport transport, HandshakeRole role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        var peer = role == HandshakeRole.Client ? "server" : "client";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        ReadOnlyMemory<byte> received;
        try
        {
            await transport.SendAsync(Hello.ToArray(), timeout.Token);
            received = await transport.ReceiveAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CryptoHandshakeException($"The \"none\" handshake timed out after {_timeout.TotalSeconds:0.#} s waiting for the {peer}'s hello.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not CryptoHandshakeException)
        {
            throw new CryptoHandshakeException($"The connection failed during the \"none\" handshake: {ex.Message}", ex);
        }
        if (!received.Span.SequenceEqual(Hello))
            throw new CryptoHandshakeException(
                $"The {peer} did not answer the \"none\" handshake (it sent {received.Length} other bytes): both ends must use the same crypto plugin; this side uses \"none\".");
        return new ClearChannel();
    }

    /// <summary>Copies frames through unchanged.</summary>
    private sealed class ClearChannel : ISecureChannel
    {
        public bool IsEncrypted => false;

        public int Overhead => 0;

        public int Seal(ReadOnlySpan<byte> plaintext, Span<byte> destination)
        {
            if (destination.Length < plaintext.Length)
                throw new ArgumentException($"The destination holds {destination.Length} bytes; the frame is {plaintext.Length}.", nameof(destination));
            plaintext.CopyTo(destination);
            return plaintext.Length;
        }

        public bool TryOpen(ReadOnlySpan<byte> sealedFrame, Span<byte> destination, out int written, out string? error)
        {
            if (destination.Length < sealedFrame.Length)
            {
                written = 0;
                error = $"the destination holds {destination.Length} bytes; the frame is {sealedFrame.Length}";
                return false;
            }
            sealedFrame.CopyTo(destination);
            written = sealedFrame.Length;
            error = null;
            return true;
        }

        public byte[] ExportKeyingMaterial(string label, int length) =>
            throw new NotSupportedException("Crypto \"none\" has no session keys to export: the stream runs as plain RTP, without SRTP.");

        public void Dispose()
        {
        }
    }
}
