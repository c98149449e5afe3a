using System.Buffers.Binary;
using System.Security.Cryptography;
using MoodDJ.Abstractions.Crypto;

namespace MoodDJ.Plugins.AeadCrypto;

/// <summary>
/// A session after the aead handshake. Each direction has its own AES-256-GCM key and IV; frame n
/// of a direction uses nonce = IV XOR (0⁴ ‖ n as 64-bit big-endian). A sealed frame is
/// counter (8, big-endian) ‖ ciphertext ‖ tag (16). The receiver accepts only the next counter, so a
/// replayed, dropped or reordered frame on the ordered control channel is rejected.
/// Seal and TryOpen each allow one caller at a time (a lock per direction); they allocate nothing.
/// </summary>
public sealed class AeadSecureChannel : ISecureChannel
{
    public const int CounterLength = 8;
    public const int TagLength = 16;

    private readonly Direction _send;
    private readonly Direction _receive;
    private readonly byte[] _exporterSecret;
    private bool _disposed;

    internal AeadSecureChannel(AeadKeySchedule keys, HandshakeRole role)
    {
        var clientToServer = new Direction(keys.Derive("mdj c2s key", AeadKeySchedule.KeyLength), keys.Derive("mdj c2s iv", AeadKeySchedule.IvLength));
        var serverToClient = new Direction(keys.Derive("mdj s2c key", AeadKeySchedule.KeyLength), keys.Derive("mdj s2c iv", AeadKeySchedule.IvLength));
        (_send, _receive) = role == HandshakeRole.Client ? (clientToServer, serverToClient) : (serverToClient, clientToServer);
        _exporterSecret = keys.Derive("mdj exporter", AeadKeySchedule.KeyLength);
        SessionId = keys.TranscriptHash;
    }

    public bool IsEncrypted => true;

    public int Overhead => CounterLength + TagLength;

    /// <summary>The transcript hash: the same on both ends, unique per session (useful in logs).</summary>
    public ReadOnlyMemory<byte> SessionId { get; }

    /// <summary>The next counter this side will seal with (for diagnostics and tests).</summary>
    public ulong SendCounter => _send.Counter;

    public int Seal(ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var sealedLength = plaintext.Length + Overhead;
        if (destination.Length < sealedLength)
            throw new ArgumentException($"The destination holds {destination.Length} bytes; sealing {plaintext.Length} bytes needs {sealedLength}.", nameof(destination));
        lock (_send.Gate)
        {
            var counter = _send.Counter;
            if (counter == ulong.MaxValue)
                throw new InvalidOperationException("This session has sealed 2^64-1 frames; reconnect to start a new session.");
            Span<byte> nonce = stackalloc byte[AeadKeySchedule.IvLength];
            _send.MakeNonce(counter, nonce);
            BinaryPrimitives.WriteUInt64BigEndian(destination, counter);
            _send.Gcm.Encrypt(nonce, plaintext,
                destination.Slice(CounterLength, plaintext.Length),
                destination.Slice(CounterLength + plaintext.Length, TagLength));
            _send.Counter = counter + 1;
        }
        return sealedLength;
    }

    public bool TryOpen(ReadOnlySpan<byte> sealedFrame, Span<byte> destination, out int written, out string? error)
    {
        written = 0;
        if (_disposed)
        {
            error = "the secure channel is closed";
            return false;
        }
        if (sealedFrame.Length < Overhead)
        {
            error = $"truncated frame: {sealedFrame.Length} bytes, a sealed frame has at least {Overhead}";
            return false;
        }
        var plaintextLength = sealedFrame.Length - Overhead;
        if (destination.Length < plaintextLength)
        {
            error = $"the destination holds {destination.Length} bytes; the frame opens to {plaintextLength}";
            return false;
        }
        var counter = BinaryPrimitives.ReadUInt64BigEndian(sealedFrame);
        lock (_receive.Gate)
        {
            var expected = _receive.Counter;
            if (counter < expected)
            {
                error = $"replayed frame: counter {counter} was already received (expected {expected})";
                return false;
            }
            if (counter > expected)
            {
                error = $"frame out of order: counter {counter}, expected {expected} (a frame was dropped or reordered)";
                return false;
            }
            Span<byte> nonce = stackalloc byte[AeadKeySchedule.IvLength];
            _receive.MakeNonce(counter, nonce);
            try
            {
                _receive.Gcm.Decrypt(nonce,
                    sealedFrame.Slice(CounterLength, plaintextLength),
                    sealedFrame.Slice(CounterLength + plaintextLength, TagLength),
                    destination[..plaintextLength]);
            }
            catch (CryptographicException)
            {
                destination[..plaintextLength].Clear();
                error = "frame failed authentication: it was tampered with or sealed with another key";
                return false;
            }
            _receive.Counter = expected + 1;
        }
        written = plaintextLength;
        error = null;
        return true;
    }

    public byte[] ExportKeyingMaterial(string label, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentException.ThrowIfNullOrEmpty(label);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, 255 * 32);
        return AeadKeySchedule.Export(_exporterSecret, label, length);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        lock (_send.Gate) _send.Dispose();
        lock (_receive.Gate) _receive.Dispose();
        CryptographicOperations.ZeroMemory(_exporterSecret);
    }

    /// <summary>One direction's cipher, IV and frame counter.</summary>
    private sealed class Direction : IDisposable
    {
        private readonly byte[] _iv;

        public Direction(byte[] key, byte[] iv)
        {
            Gcm = new AesGcm(key, TagLength);
            CryptographicOperations.ZeroMemory(key);
            _iv = iv;
        }

        public Lock Gate { get; } = new();
        public AesGcm Gcm { get; }
        public ulong Counter { get; set; }

        public void MakeNonce(ulong counter, Span<byte> nonce)
        {
            _iv.CopyTo(nonce);
            var tail = BinaryPrimitives.ReadUInt64BigEndian(nonce[4..]) ^ counter;
            BinaryPrimitives.WriteUInt64BigEndian(nonce[4..], tail);
        }

        public void Dispose()
        {
            Gcm.Dispose();
            CryptographicOperations.ZeroMemory(_iv);
        }
    }
}
