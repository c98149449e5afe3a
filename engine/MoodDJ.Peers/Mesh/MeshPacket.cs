namespace MoodDJ.Peers.Mesh;

/// <summary>
/// A mesh datagram: the SRTP packet (the station's shared stream key), one byte naming that key,
/// and the station's Ed25519 signature over both. Relays forward it byte for byte.
/// </summary>
public static class MeshPacket
{
    /// <summary>Key id byte plus signature.</summary>
    public const int TrailerLength = 1 + StreamSigner.SignatureLength;

    /// <summary>RTP's version bits (2): every mesh media datagram starts with 10xxxxxx, control datagrams never do.</summary>
    public static bool IsMedia(ReadOnlySpan<byte> datagram) => datagram.Length > 0 && (datagram[0] & 0xC0) == 0x80;

    /// <summary>Appends the key id and signature after <paramref name="srtpLength"/> bytes of <paramref name="buffer"/>; returns the datagram's length.</summary>
    public static int Seal(Span<byte> buffer, int srtpLength, byte keyId, StreamSigner signer)
    {
        buffer[srtpLength] = keyId;
        signer.Sign(buffer[..(srtpLength + 1)], buffer.Slice(srtpLength + 1, StreamSigner.SignatureLength));
        return srtpLength + TrailerLength;
    }

    /// <summary>True when the datagram is long enough and the station signed it; gives the SRTP length and key id.</summary>
    public static bool TryOpen(ReadOnlySpan<byte> datagram, StreamVerifier verifier, out int srtpLength, out byte keyId)
    {
        srtpLength = datagram.Length - TrailerLength;
        keyId = 0;
        if (srtpLength < 12 + 10) return false;   // RTP header + SRTP tag at least
        keyId = datagram[srtpLength];
        return verifier.Verify(datagram[..(srtpLength + 1)], datagram[(srtpLength + 1)..]);
    }

    /// <summary>The RTP sequence number (bytes 2–3 travel in the clear under SRTP).</summary>
    public static ushort Sequence(ReadOnlySpan<byte> datagram) => (ushort)(datagram[2] << 8 | datagram[3]);
}
