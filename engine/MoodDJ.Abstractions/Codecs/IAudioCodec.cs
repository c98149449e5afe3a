using MoodDJ.Abstractions.Audio;

namespace MoodDJ.Abstractions.Codecs;

/// <summary>
/// Turns PCM frames into packets and back. Kind: "codec". One packet carries one audio frame and
/// must fit an RTP datagram (≤ 1200 bytes of payload).
/// </summary>
public interface IAudioCodec
{
    /// <summary>The RTP/SDP encoding name ("L16", "opus").</summary>
    string EncodingName { get; }

    /// <summary>The RTP clock rate for <paramref name="format"/> (Opus always uses 48000).</summary>
    int RtpClockRate(AudioFormat format);

    /// <summary>Whether this codec can carry <paramref name="format"/>; if not, <paramref name="reason"/> says why.</summary>
    bool Supports(AudioFormat format, out string reason);

    IAudioEncoder CreateEncoder(AudioFormat format, int frameSamplesPerChannel);

    IAudioDecoder CreateDecoder(AudioFormat format, int frameSamplesPerChannel);
}

/// <summary>Encodes one frame at a time. Not thread-safe; allocate nothing per call.</summary>
public interface IAudioEncoder : IDisposable
{
    /// <summary>The largest packet <see cref="Encode"/> can write.</summary>
    int MaxPacketBytes { get; }

    /// <summary>Encodes exactly one frame of interleaved samples; returns the packet length.</summary>
    int Encode(ReadOnlySpan<float> frame, Span<byte> packet);
}

/// <summary>Decodes one packet at a time. Not thread-safe; allocate nothing per call.</summary>
public interface IAudioDecoder : IDisposable
{
    /// <summary>Decodes one packet into <paramref name="frame"/>; returns the samples written.</summary>
    int Decode(ReadOnlySpan<byte> packet, Span<float> frame);

    /// <summary>Fills in a lost frame (packet loss concealment); returns the samples written.</summary>
    int Conceal(Span<float> frame);

    /// <summary>
    /// Fills in a lost frame when the packet after it is already here: a codec with forward error
    /// correction (Opus in-band FEC) rebuilds the frame from <paramref name="nextPacket"/>; others conceal.
    /// The caller then decodes <paramref name="nextPacket"/> as usual.
    /// </summary>
    int Recover(ReadOnlySpan<byte> nextPacket, Span<float> frame) => Conceal(frame);
}
