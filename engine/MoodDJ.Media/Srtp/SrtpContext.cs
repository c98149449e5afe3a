using System.Buffers.Binary;
using System.Security.Cryptography;
using MoodDJ.Abstractions.Crypto;

namespace MoodDJ.Media.Srtp;

/// <summary>
/// SRTP (RFC 3711) with AES_CM_128_HMAC_SHA1_80 for one master key: protects outgoing RTP packets and
/// unprotects incoming ones in place, per SSRC (rollover counter, index estimation, 128-packet replay
/// window). Protect and unprotect each take a lock of their own, so one sender and one receiver may
/// use a context at once. Nothing is allocated per packet (a new SSRC allocates its state once).
/// </summary>
public sealed class SrtpContext : IDisposable
{
    public const int TagLength = 10;
    public const int RtpHeaderLength = 12;
    public const int DefaultMaxStreams = 64;

    private readonly SrtpSender _protect;
    private readonly Lock _protectGate = new();
    private readonly Direction _unprotect;
    private bool _disposed;

    private SrtpContext(SrtpSessionKeys keys, int maxStreams, SrtpCryptoBackend backend)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxStreams);
        MaxStreams = maxStreams;
        _protect = new SrtpSender(keys, maxStreams, backend);
        _unprotect = new Direction(keys, backend);
    }

    /// <summary>How many SSRCs each direction tracks at most; packets of further SSRCs are refused.</summary>
    public int MaxStreams { get; }

    public static SrtpContext Create(ReadOnlySpan<byte> masterKey16, ReadOnlySpan<byte> masterSalt14) =>
        Create(SrtpKeys.Create(masterKey16, masterSalt14));

    public static SrtpContext Create(SrtpKeys keys, int maxStreams = DefaultMaxStreams) =>
        Create(keys, maxStreams, SrtpCrypto.Default);

    /// <summary>With a chosen crypto backend (tests compare the native and the managed one).</summary>
    internal static SrtpContext Create(SrtpKeys keys, int maxStreams, SrtpCryptoBackend backend)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return new SrtpContext(SrtpKeyDerivation.Derive(keys.MasterKey, keys.MasterSalt, backend), maxStreams, backend);
    }

    /// <summary>Both ends of a secure control channel get the same stream keys this way.</summary>
    public static SrtpContext Create(ISecureChannel channel) => Create(SrtpKeys.Derive(channel));

    /// <summary>
    /// Encrypts the payload of the RTP packet in <c>packet[..rtpLength]</c> and appends the 10-byte tag.
    /// <paramref name="packet"/> needs room for it. Returns the SRTP length (rtpLength + 10).
    /// </summary>
    public int Protect(Span<byte> packet, int rtpLength)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_protectGate) return _protect.Protect(packet, rtpLength);
    }

    public bool TryUnprotect(Span<byte> packet, int srtpLength, out int rtpLength) =>
        TryUnprotect(packet, srtpLength, out rtpLength, out _);

    /// <summary>
    /// Verifies and decrypts the SRTP packet in <c>packet[..srtpLength]</c> in place. Returns false with
    /// a reason for a malformed, forged, tampered or replayed packet (the buffer is then unchanged);
    /// never throws for bad input.
    /// </summary>
    public bool TryUnprotect(Span<byte> packet, int srtpLength, out int rtpLength, out SrtpError error)
    {
        rtpLength = 0;
        if (_disposed || (uint)srtpLength > (uint)packet.Length || srtpLength < RtpHeaderLength + TagLength)
        {
            error = SrtpError.Malformed;
            return false;
        }
        var authenticated = srtpLength - TagLength;
        var headerLength = RtpHeaderLengthOf(packet[..authenticated]);
        if (headerLength < 0)
        {
            error = SrtpError.Malformed;
            return false;
        }
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        var sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        lock (_unprotect.Gate)
        {
            var existing = _unprotect.Find(ssrc);
            if (existing is null && _unprotect.StreamCount >= MaxStreams)
            {
                error = SrtpError.TooManyStreams;
                return false;
            }
            var estimate = existing?.EstimateIndex(sequence) ?? sequence;
            if (estimate < 0 || (existing is not null && !existing.IsFresh((ulong)estimate)))
            {
                error = SrtpError.Replayed;
                return false;
            }
            var index = (ulong)estimate;
            Span<byte> tag = stackalloc byte[TagLength];
            _unprotect.Tag(packet, authenticated, (uint)(index >> 16), tag);
            if (!CryptographicOperations.FixedTimeEquals(tag, packet.Slice(authenticated, TagLength)))
            {
                error = SrtpError.AuthenticationFailed;
                return false;
            }
            _unprotect.Crypt(packet[headerLength..authenticated], ssrc, index);
            (existing ?? _unprotect.StateFor(ssrc, MaxStreams)!).Accept(index);
        }
        rtpLength = authenticated;
        error = SrtpError.None;
        return true;
    }

    /// <summary>The rollover counter this context holds for an SSRC it received (for diagnostics and tests).</summary>
    public uint? ReceiveRolloverCounter(uint ssrc)
    {
        lock (_unprotect.Gate) return _unprotect.Find(ssrc)?.RolloverCounter;
    }

    /// <summary>Length of the RTP header (fixed part, CSRCs, extension) or -1 if it is not valid RTP v2 within <paramref name="packet"/>.</summary>
    internal static int RtpHeaderLengthOf(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < RtpHeaderLength || packet[0] >> 6 != 2) return -1;
        var length = RtpHeaderLength + 4 * (packet[0] & 0x0F);
        if ((packet[0] & 0x10) != 0)
        {
            if (packet.Length < length + 4) return -1;
            length += 4 + 4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(length + 2)..]);
        }
        return length <= packet.Length ? length : -1;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        lock (_protectGate) _protect.Dispose();
        lock (_unprotect.Gate) _unprotect.Dispose();
    }

    /// <summary>The receiving direction's cipher, MAC and per-SSRC states (guarded by <see cref="Gate"/>); protecting is <see cref="SrtpSender"/>'s.</summary>
    private sealed class Direction : IDisposable
    {
        private AesCounterMode _cipher; // structs, inline: not readonly, so Dispose clears these copies
        private SrtpHmacSha1 _mac;
        private readonly ulong _saltHigh;
        private readonly ulong _saltLow;
        private readonly Dictionary<uint, SrtpReplayWindow> _streams = [];
        // A player receives one SSRC: remembering the last one skips the dictionary on nearly every packet.
        private uint _lastSsrc;
        private SrtpReplayWindow? _last;

        public Direction(SrtpSessionKeys keys, SrtpCryptoBackend backend)
        {
            _cipher = new AesCounterMode(keys.EncryptionKey, backend);
            _mac = new SrtpHmacSha1(keys.AuthenticationKey, backend);
            (_saltHigh, _saltLow) = keys.SaltWords();
        }

        public Lock Gate { get; } = new();

        public int StreamCount => _streams.Count;

        public SrtpReplayWindow? Find(uint ssrc)
        {
            if (_last is not null && _lastSsrc == ssrc) return _last;
            var state = _streams.GetValueOrDefault(ssrc);
            if (state is not null) (_lastSsrc, _last) = (ssrc, state);
            return state;
        }

        public SrtpReplayWindow? StateFor(uint ssrc, int maxStreams)
        {
            var state = Find(ssrc);
            if (state is not null) return state;
            if (_streams.Count >= maxStreams) return null;
            state = new SrtpReplayWindow();
            _streams.Add(ssrc, state);
            (_lastSsrc, _last) = (ssrc, state);
            return state;
        }

        /// <summary>AES-CM over the payload with IV = (salt·2¹⁶) XOR (SSRC·2⁶⁴) XOR (index·2¹⁶) (RFC 3711 §4.1.1).</summary>
        public void Crypt(Span<byte> payload, uint ssrc, ulong index)
        {
            Span<byte> iv = stackalloc byte[AesCounterMode.BlockSize];
            SrtpSender.WriteIv(iv, _saltHigh, _saltLow, ssrc, index);
            _cipher.Apply(iv, payload);
        }

        /// <summary>HMAC-SHA1(auth key, packet[..length] ‖ ROC) truncated to 80 bits (RFC 3711 §4.2).</summary>
        public void Tag(ReadOnlySpan<byte> packet, int length, uint roc, Span<byte> tag)
        {
            Span<byte> rocBytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(rocBytes, roc);
            Span<byte> digest = stackalloc byte[SrtpHmacSha1.DigestLength];
            _mac.Compute(packet[..length], rocBytes, digest);
            digest[..TagLength].CopyTo(tag);
        }

        public void Dispose()
        {
            _cipher.Dispose();
            _mac.Dispose();
        }
    }
}
