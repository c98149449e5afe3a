using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using MoodDJ.Abstractions.Crypto;

namespace MoodDJ.Plugins.FernetCrypto;

/// <summary>
/// A session under the fernet scheme. Each frame is the bytes of one Fernet token (not base64: the
/// frame is already binary) whose plaintext is direction ('C' or 'S') ‖ counter (64-bit big-endian)
/// ‖ payload, so reflected, replayed and reordered frames are rejected even though Fernet itself
/// has no sequence. No forward secrecy: every session uses the same shared key.
/// </summary>
public sealed class FernetSecureChannel : ISecureChannel
{
    private const int PrefixLength = 9;

    private readonly FernetOptions _options;
    private readonly byte _sendDirection;
    private readonly byte _receiveDirection;
    private readonly byte[] _exporterSalt;
    private readonly Lock _sendGate = new();
    private readonly Lock _receiveGate = new();
    private ulong _sendCounter;
    private ulong _receiveCounter;
    private bool _disposed;

    internal FernetSecureChannel(FernetOptions options, HandshakeRole role, byte[] exporterSalt)
    {
        _options = options;
        (_sendDirection, _receiveDirection) = role == HandshakeRole.Client ? ((byte)'C', (byte)'S') : ((byte)'S', (byte)'C');
        _exporterSalt = exporterSalt;
    }

    public bool IsEncrypted => true;

    /// <summary>Token header (25) + MAC (32) + PKCS7 padding (≤ 16) + direction and counter (9).</summary>
    public int Overhead => FernetToken.HeaderLength + FernetToken.MacLength + 16 + PrefixLength;

    public int Seal(ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var framed = new byte[PrefixLength + plaintext.Length];
        byte[] token;
        lock (_sendGate)
        {
            framed[0] = _sendDirection;
            BinaryPrimitives.WriteUInt64BigEndian(framed.AsSpan(1), _sendCounter);
            plaintext.CopyTo(framed.AsSpan(PrefixLength));
            token = FernetToken.EncryptToBytes(_options.Key, framed, _options.Clock.GetUtcNow());
            _sendCounter++;
        }
        if (destination.Length < token.Length)
            throw new ArgumentException($"The destination holds {destination.Length} bytes; the sealed frame is {token.Length}.", nameof(destination));
        token.CopyTo(destination);
        return token.Length;
    }

    public bool TryOpen(ReadOnlySpan<byte> sealedFrame, Span<byte> destination, out int written, out string? error)
    {
        written = 0;
        if (_disposed)
        {
            error = "the secure channel is closed";
            return false;
        }
        if (!FernetToken.TryDecryptBytes(_options.Key, sealedFrame, _options.Ttl, _options.Clock.GetUtcNow(), out var framed, out _, out error))
            return false;
        if (framed.Length < PrefixLength || framed[0] != _receiveDirection)
        {
            error = "reflected or foreign frame: it was not sealed by the peer for this direction";
            return false;
        }
        var counter = BinaryPrimitives.ReadUInt64BigEndian(framed.AsSpan(1));
        var payload = framed.AsSpan(PrefixLength);
        if (destination.Length < payload.Length)
        {
            error = $"the destination holds {destination.Length} bytes; the frame opens to {payload.Length}";
            return false;
        }
        lock (_receiveGate)
        {
            if (counter < _receiveCounter)
            {
                error = $"replayed frame: counter {counter} was already received (expected {_receiveCounter})";
                return false;
            }
            if (counter > _receiveCounter)
            {
                error = $"frame out of order: counter {counter}, expected {_receiveCounter}";
                return false;
            }
            _receiveCounter++;
        }
        payload.CopyTo(destination);
        written = payload.Length;
        error = null;
        return true;
    }

    /// <summary>HKDF-SHA256(ikm = key, salt = both hello nonces, info = "mdj fernet exporter " ‖ label).</summary>
    public byte[] ExportKeyingMaterial(string label, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentException.ThrowIfNullOrEmpty(label);
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, _options.Key, length, _exporterSalt, Encoding.UTF8.GetBytes("mdj fernet exporter " + label));
    }

    public void Dispose() => _disposed = true;
}
