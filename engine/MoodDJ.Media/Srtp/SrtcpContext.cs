using System.Buffers.Binary;
using System.Security.Cryptography;

namespace MoodDJ.Media.Srtp;

/// <summary>
/// SRTCP (RFC 3711 §3.4) with AES_CM_128_HMAC_SHA1_80 for one master key: the RTCP header and the
/// sender's SSRC (8 bytes) stay clear, the rest is encrypted with the SRTCP session keys (labels 3,
/// 4, 5), then come E‖SRTCP index (32 bits, E = 1: encrypted) and the 80-bit tag over everything
/// before it. The receiver checks the tag first, then a 128-wide replay window per SSRC on the
/// explicit index. Sender reports ride on this, so players can trust the station's clock. Rare
/// packets (a few a second), but still nothing is allocated per packet.
/// </summary>
public sealed class SrtcpContext : IDisposable
{
    public const int TagLength = 10;
    public const int IndexLength = 4;

    /// <summary>What protection appends: E‖index and the tag.</summary>
    public const int Overhead = IndexLength + TagLength;

    private const int ClearLength = 8;   // first RTCP header + sender SSRC
    private const uint MaxIndex = 0x7FFFFFFF;

    private AesCounterMode _cipher; // structs, inline: not readonly, so Dispose clears these copies
    private SrtpHmacSha1 _mac;
    private readonly byte[] _salt;
    private readonly byte[] _digest = new byte[20];
    private readonly Lock _gate = new();
    private readonly Dictionary<uint, uint> _sendIndex = [];
    private readonly Dictionary<uint, SrtpReplayWindow> _receive = [];
    private readonly int _maxStreams;
    private bool _disposed;

    private SrtcpContext(SrtpSessionKeys keys, int maxStreams, SrtpCryptoBackend backend)
    {
        _cipher = new AesCounterMode(keys.EncryptionKey, backend);
        _mac = new SrtpHmacSha1(keys.AuthenticationKey, backend);
        _salt = keys.Salt;
        _maxStreams = maxStreams;
    }

    public static SrtcpContext Create(SrtpKeys keys, int maxStreams = SrtpContext.DefaultMaxStreams) =>
        Create(keys, maxStreams, SrtpCrypto.Default);

    /// <summary>With a chosen crypto backend (tests compare the native and the managed one).</summary>
    internal static SrtcpContext Create(SrtpKeys keys, int maxStreams, SrtpCryptoBackend backend)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxStreams);
        return new SrtcpContext(SrtpKeyDerivation.DeriveRtcp(keys.MasterKey, keys.MasterSalt, backend), maxStreams, backend);
    }

    /// <summary>
    /// Encrypts the RTCP (compound) packet in <c>packet[..rtcpLength]</c> in place and appends E‖index and
    /// the tag; returns the SRTCP length (rtcpLength + 14). The index counts from 1 per SSRC, as libsrtp does.
    /// </summary>
    public int Protect(Span<byte> packet, int rtcpLength)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (rtcpLength < ClearLength || rtcpLength > packet.Length || packet[0] >> 6 != 2)
            throw new ArgumentException($"A {rtcpLength}-byte packet is not an RTCP packet (at least 8 bytes, version 2).", nameof(rtcpLength));
        if (packet.Length < rtcpLength + Overhead)
            throw new ArgumentException($"Protecting a {rtcpLength}-byte RTCP packet needs {rtcpLength + Overhead} bytes; the buffer has {packet.Length}.", nameof(packet));
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        lock (_gate)
        {
            if (!_sendIndex.TryGetValue(ssrc, out var index) && _sendIndex.Count >= _maxStreams)
                throw new InvalidOperationException($"This SRTCP context already protects {_maxStreams} SSRCs.");
            index = index >= MaxIndex ? 1 : index + 1;
            _sendIndex[ssrc] = index;
            Crypt(packet[ClearLength..rtcpLength], ssrc, index);
            BinaryPrimitives.WriteUInt32BigEndian(packet[rtcpLength..], 0x80000000u | index);
            Tag(packet[..(rtcpLength + IndexLength)], packet.Slice(rtcpLength + IndexLength, TagLength));
        }
        return rtcpLength + Overhead;
    }

    /// <summary>
    /// Verifies and decrypts the SRTCP packet in <c>packet[..srtcpLength]</c> in place; false with a reason
    /// for a malformed, forged, tampered or replayed packet (the buffer is then unchanged). Never throws.
    /// </summary>
    public bool TryUnprotect(Span<byte> packet, int srtcpLength, out int rtcpLength, out SrtpError error)
    {
        rtcpLength = 0;
        if (_disposed || (uint)srtcpLength > (uint)packet.Length || srtcpLength < ClearLength + Overhead || packet[0] >> 6 != 2)
        {
            error = SrtpError.Malformed;
            return false;
        }
        var body = srtcpLength - Overhead;
        var word = BinaryPrimitives.ReadUInt32BigEndian(packet[body..]);
        var encrypted = (word & 0x80000000u) != 0;
        var index = word & MaxIndex;
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        lock (_gate)
        {
            var window = _receive.GetValueOrDefault(ssrc);
            if (window is null && _receive.Count >= _maxStreams)
            {
                error = SrtpError.TooManyStreams;
                return false;
            }
            if (window is not null && !window.IsFresh(index))
            {
                error = SrtpError.Replayed;
                return false;
            }
            Span<byte> tag = stackalloc byte[TagLength];
            Tag(packet[..(body + IndexLength)], tag);
            if (!CryptographicOperations.FixedTimeEquals(tag, packet.Slice(body + IndexLength, TagLength)))
            {
                error = SrtpError.AuthenticationFailed;
                return false;
            }
            if (encrypted) Crypt(packet[ClearLength..body], ssrc, index);
            if (window is null) _receive.Add(ssrc, window = new SrtpReplayWindow());
            window.Accept(index);
        }
        rtcpLength = body;
        error = SrtpError.None;
        return true;
    }

    /// <summary>AES-CM with IV = (salt·2¹⁶) XOR (SSRC·2⁶⁴) XOR (SRTCP index·2¹⁶), as for SRTP.</summary>
    private void Crypt(Span<byte> data, uint ssrc, uint index)
    {
        Span<byte> iv = stackalloc byte[AesCounterMode.BlockSize];
        _salt.CopyTo(iv);
        iv[14] = 0;
        iv[15] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(iv[4..], BinaryPrimitives.ReadUInt32BigEndian(iv[4..]) ^ ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(iv[10..], BinaryPrimitives.ReadUInt32BigEndian(iv[10..]) ^ index);
        _cipher.Apply(iv, data);
    }

    private void Tag(ReadOnlySpan<byte> authenticated, Span<byte> tag)
    {
        _mac.Compute(authenticated, [], _digest);
        _digest.AsSpan(0, TagLength).CopyTo(tag);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _cipher.Dispose();
            _mac.Dispose();
        }
    }
}
