namespace MoodDJ.Media;

/// <summary>
/// Verifies and decrypts one SRTP packet in place (e.g. <c>SrtpContext.TryUnprotect</c>); false for a
/// packet that fails authentication or replay checks. A delegate so the stream code does not depend on
/// how SRTP is built.
/// </summary>
public delegate bool PacketUnprotector(Span<byte> packet, int length, out int rtpLength);

/// <summary>Encrypts and authenticates one RTP packet in place (e.g. <c>SrtpContext.Protect</c>); returns the SRTP length.</summary>
public delegate int PacketProtector(Span<byte> packet, int rtpLength);
