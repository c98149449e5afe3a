using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace MoodDJ.Media.Srtp;

/// <summary>
/// The sending half of SRTP (RFC 3711, AES_CM_128_HMAC_SHA1_80) for one master key: protects RTP packets
/// in place. Everything a packet needs sits in this one object: the AES round keys, the HMAC pad states,
/// the salt and the current SSRC's packet index. A station protects each frame once per listener, each
/// with its own key, so these objects are touched one after another and are cold in the cache by the
/// time their turn comes; one object (a few adjacent cache lines, no references to follow) is what keeps
/// that cheap. <see cref="SrtpContext"/> protects with one of these too, so both give the same bytes.
/// Not thread-safe: one caller at a time (<see cref="SrtpContext"/> locks around it). Nothing is
/// allocated per packet; a second SSRC allocates a small map once.
/// </summary>
public sealed class SrtpSender : IDisposable
{
    public const int TagLength = SrtpContext.TagLength;

    private AesCounterMode _cipher;
    private SrtpHmacSha1 _mac;
    private readonly ulong _saltHigh;
    private readonly ulong _saltLow;
    private readonly int _maxStreams;
    private uint _ssrc;
    private long _highest = -1; // the current SSRC's highest packet index (ROC ‖ SEQ); -1 before its first packet
    private Dictionary<uint, long>? _otherStreams; // the same for SSRCs protected before (rare: a stream restarted)
    private bool _disposed;

    internal SrtpSender(SrtpSessionKeys keys, int maxStreams, SrtpCryptoBackend backend)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxStreams);
        _maxStreams = maxStreams;
        _cipher = new AesCounterMode(keys.EncryptionKey, backend);
        _mac = new SrtpHmacSha1(keys.AuthenticationKey, backend);
        (_saltHigh, _saltLow) = keys.SaltWords();
    }

    public static SrtpSender Create(SrtpKeys keys, int maxStreams = SrtpContext.DefaultMaxStreams)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return new SrtpSender(SrtpKeyDerivation.Derive(keys.MasterKey, keys.MasterSalt), maxStreams, SrtpCrypto.Default);
    }

    /// <summary>
    /// Encrypts the payload of the RTP packet in <c>packet[..rtpLength]</c> and appends the 10-byte tag.
    /// <paramref name="packet"/> needs room for it. Returns the SRTP length (rtpLength + 10).
    /// </summary>
    public int Protect(Span<byte> packet, int rtpLength)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((uint)rtpLength > (uint)packet.Length)
            throw new ArgumentOutOfRangeException(nameof(rtpLength), $"rtpLength {rtpLength} is outside the {packet.Length}-byte buffer.");
        if (packet.Length < rtpLength + TagLength)
            throw new ArgumentException($"The buffer holds {packet.Length} bytes; protecting a {rtpLength}-byte RTP packet needs {rtpLength + TagLength}.", nameof(packet));
        var headerLength = SrtpContext.RtpHeaderLengthOf(packet[..rtpLength]);
        if (headerLength < 0)
            throw new ArgumentException("The packet is not a well-formed RTP version 2 packet (header longer than the packet or wrong version).", nameof(packet));

        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        var sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if (ssrc != _ssrc) Switch(ssrc);
        var estimate = _highest < 0 ? sequence : SrtpReplayWindow.EstimateIndex((ulong)_highest, sequence);
        var index = estimate < 0 ? sequence : (ulong)estimate;

        Span<byte> iv = stackalloc byte[AesCounterMode.BlockSize];
        WriteIv(iv, _saltHigh, _saltLow, ssrc, index);
        _cipher.Apply(iv, packet[headerLength..rtpLength]);

        // HMAC-SHA1(auth key, packet ‖ ROC) truncated to 80 bits (§4.2): the ROC is written where the tag
        // goes and hashed with the packet in one call, then the tag overwrites it.
        BinaryPrimitives.WriteUInt32BigEndian(packet[rtpLength..], (uint)(index >> 16));
        Span<byte> digest = stackalloc byte[SrtpHmacSha1.DigestLength];
        _mac.Compute(packet[..(rtpLength + 4)], [], digest);
        digest[..TagLength].CopyTo(packet[rtpLength..]);

        if ((long)index > _highest) _highest = (long)index;
        return rtpLength + TagLength;
    }

    /// <summary>
    /// Asks the CPU to start loading this sender's state (a software prefetch: it returns at once and
    /// changes nothing), so a caller about to protect for many senders in turn can overlap their cache misses.
    /// </summary>
    public unsafe void Warm()
    {
        if (!Sse.IsSupported) return;
        // Field addresses of this unpinned object: only a hint, and prefetching a stale address is harmless.
        var cipher = (byte*)Unsafe.AsPointer(ref _cipher);
        for (var offset = 0; offset < Unsafe.SizeOf<AesCounterMode>(); offset += 64) Sse.Prefetch0(cipher + offset);
        Sse.Prefetch0(Unsafe.AsPointer(ref _mac));
        Sse.Prefetch0((byte*)Unsafe.AsPointer(ref _mac) + Unsafe.SizeOf<SrtpHmacSha1>() - 1);
        Sse.Prefetch0(Unsafe.AsPointer(ref _highest));
    }

    /// <summary>
    /// The AES-CM IV (§4.1.1): (salt·2¹⁶) XOR (SSRC·2⁶⁴) XOR (index·2¹⁶), written as two big-endian words
    /// (the salt's, zero-padded to 16 bytes): the SSRC lands in bytes 4..7, the 48-bit index in bytes 8..13.
    /// </summary>
    internal static void WriteIv(Span<byte> iv, ulong saltHigh, ulong saltLow, uint ssrc, ulong index)
    {
        BinaryPrimitives.WriteUInt64BigEndian(iv, saltHigh ^ ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(iv[8..], saltLow ^ (index << 16));
    }

    /// <summary>Makes <paramref name="ssrc"/> the current stream, keeping the one before for when it returns.</summary>
    private void Switch(uint ssrc)
    {
        long highest = -1;
        var known = _otherStreams is { } others && others.Remove(ssrc, out highest);
        if (!known && (_otherStreams?.Count ?? 0) + (_highest >= 0 ? 1 : 0) >= _maxStreams)
            throw new InvalidOperationException($"This SRTP context already protects {_maxStreams} SSRCs; use a context per stream.");
        if (_highest >= 0) (_otherStreams ??= [])[_ssrc] = _highest; // the first stream allocates nothing
        (_ssrc, _highest) = (ssrc, known ? highest : -1);
    }

    public void Dispose()
    {
        _disposed = true;
        _cipher.Dispose();
        _mac.Dispose();
    }
}
