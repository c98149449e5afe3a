namespace MoodDJ.Media.Srtp;

/// <summary>Why <see cref="SrtpContext.TryUnprotect(Span{byte}, int, out int, out SrtpError)"/> rejected a packet.</summary>
public enum SrtpError
{
    None,
    /// <summary>Too short, not RTP version 2, or a header longer than the packet.</summary>
    Malformed,
    /// <summary>The 80-bit tag did not verify: tampered, wrong key, or not SRTP at all.</summary>
    AuthenticationFailed,
    /// <summary>The packet index was already received or is older than the 128-packet replay window.</summary>
    Replayed,
    /// <summary>A new SSRC arrived when the context already tracks its maximum number of streams.</summary>
    TooManyStreams,
}
