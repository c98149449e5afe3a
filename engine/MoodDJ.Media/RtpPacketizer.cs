using System.Security.Cryptography;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Codecs;

namespace MoodDJ.Media;

/// <summary>
/// Turns PCM frames into RTP packets, one frame per packet (never fragmented): encodes with the
/// codec's encoder straight into the packet after a 12-byte header, and advances the sequence
/// number and the media timestamp. Allocates nothing per packet. Not thread-safe (one per stream).
/// </summary>
public sealed class RtpPacketizer : IDisposable
{
    /// <summary>The largest payload MoodDJ sends, so a packet (+ SRTP tag) stays under any path MTU.</summary>
    public const int MaxPayloadBytes = 1200;

    private readonly IAudioEncoder _encoder;
    private readonly int _frameSamples;
    private readonly uint _timestampStep;
    private bool _marker = true;

    public RtpPacketizer(IAudioEncoder encoder, AudioFormat format, int frameSamplesPerChannel, int clockRate,
        byte payloadType, uint ssrc, ushort? firstSequenceNumber = null, uint? firstTimestamp = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        if (frameSamplesPerChannel <= 0)
            throw new ArgumentOutOfRangeException(nameof(frameSamplesPerChannel), frameSamplesPerChannel, "A frame needs at least one sample per channel.");
        if (clockRate <= 0)
            throw new ArgumentOutOfRangeException(nameof(clockRate), clockRate, "The RTP clock rate must be positive.");
        if (payloadType > 127)
            throw new ArgumentOutOfRangeException(nameof(payloadType), payloadType, "RTP payload types are 0..127.");
        if (encoder.MaxPacketBytes > MaxPayloadBytes)
            throw new ArgumentException($"The encoder's packets can reach {encoder.MaxPacketBytes} bytes; RTP payloads must stay ≤ {MaxPayloadBytes} (use shorter frames).", nameof(encoder));
        if ((long)frameSamplesPerChannel * clockRate % format.SampleRate != 0)
            throw new ArgumentException($"A frame of {frameSamplesPerChannel} samples at {format.SampleRate} Hz is not a whole number of ticks of the {clockRate} Hz RTP clock.", nameof(frameSamplesPerChannel));

        _encoder = encoder;
        Format = format;
        _frameSamples = frameSamplesPerChannel * format.Channels;
        _timestampStep = (uint)((long)frameSamplesPerChannel * clockRate / format.SampleRate);
        ClockRate = clockRate;
        PayloadType = payloadType;
        Ssrc = ssrc;
        // RFC 3550 §5.1: random initial values make known-plaintext attacks on SRTP harder.
        NextSequenceNumber = firstSequenceNumber ?? (ushort)RandomNumberGenerator.GetInt32(0, 1 << 16);
        NextTimestamp = firstTimestamp ?? (uint)RandomNumberGenerator.GetInt32(int.MinValue, int.MaxValue);
    }

    /// <summary>Creates the encoder from <paramref name="codec"/> and picks the payload type (<see cref="RtpPayloadTypes"/>).</summary>
    public static RtpPacketizer Create(IAudioCodec codec, AudioFormat format, int frameSamplesPerChannel, uint ssrc,
        ushort? firstSequenceNumber = null, uint? firstTimestamp = null)
    {
        ArgumentNullException.ThrowIfNull(codec);
        if (!codec.Supports(format, out var reason))
            throw new ArgumentException($"Codec {codec.EncodingName} cannot carry {format}: {reason}", nameof(format));
        var clockRate = codec.RtpClockRate(format);
        var payloadType = RtpPayloadTypes.Choose(codec.EncodingName, clockRate, format.Channels);
        var encoder = codec.CreateEncoder(format, frameSamplesPerChannel);
        try
        {
            return new RtpPacketizer(encoder, format, frameSamplesPerChannel, clockRate, payloadType, ssrc, firstSequenceNumber, firstTimestamp);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    public AudioFormat Format { get; }
    public int ClockRate { get; }
    public byte PayloadType { get; }
    public uint Ssrc { get; }

    /// <summary>Interleaved samples one frame holds.</summary>
    public int FrameSamples => _frameSamples;

    /// <summary>RTP clock ticks per frame.</summary>
    public uint TimestampStep => _timestampStep;

    /// <summary>A buffer this long always holds a packet.</summary>
    public int MaxPacketBytes => RtpHeader.FixedLength + _encoder.MaxPacketBytes;

    public ushort NextSequenceNumber { get; private set; }
    public uint NextTimestamp { get; private set; }

    /// <summary>Packets and payload octets sent so far (the counts an RTCP sender report carries).</summary>
    public uint PacketCount { get; private set; }
    public uint OctetCount { get; private set; }

    /// <summary>Encodes one frame into <paramref name="packet"/>; returns the RTP packet's length.</summary>
    public int Packetize(ReadOnlySpan<float> frame, Span<byte> packet)
    {
        if (frame.Length != _frameSamples)
            throw new ArgumentException($"A frame is {_frameSamples} interleaved samples, not {frame.Length}.", nameof(frame));
        if (packet.Length < MaxPacketBytes)
            throw new ArgumentException($"The packet buffer must hold {MaxPacketBytes} bytes, it has {packet.Length}.", nameof(packet));
        var header = new RtpHeader
        {
            Marker = _marker,
            PayloadType = PayloadType,
            SequenceNumber = NextSequenceNumber,
            Timestamp = NextTimestamp,
            Ssrc = Ssrc,
        };
        var offset = header.Write(packet);
        var payload = _encoder.Encode(frame, packet[offset..]);
        _marker = false;
        NextSequenceNumber++;
        NextTimestamp += _timestampStep;
        PacketCount++;
        OctetCount += (uint)payload;
        return offset + payload;
    }

    /// <summary>
    /// Skips <paramref name="frames"/> frames of media time without sending (a pause): the timestamp
    /// jumps, the sequence does not, and the next packet carries the marker bit (RFC 3551 §4.1).
    /// </summary>
    public void SkipFrames(int frames)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
        NextTimestamp += (uint)((long)_timestampStep * frames);
        if (frames > 0) _marker = true;
    }

    /// <summary>
    /// A sender report tying <paramref name="wallClock"/> to the media timestamp of the packet about to be
    /// sent (<see cref="NextTimestamp"/>): call it when that packet's play-out time is <paramref name="wallClock"/>.
    /// </summary>
    public RtcpSenderReport CreateSenderReport(DateTimeOffset wallClock) =>
        new(Ssrc, NtpTime.FromDateTime(wallClock), NextTimestamp, PacketCount, OctetCount);

    /// <summary>
    /// The capture time (station <see cref="MediaClock"/>, NTP) of the packet about to be made: set by a paced
    /// sender from its schedule, so sender reports map RTP time to the station clock exactly, free of
    /// the sender's wake-up jitter. Null until a sender sets it.
    /// </summary>
    public ulong? NextCaptureNtp { get; set; }

    /// <summary>
    /// A sender report for the packet about to be made: its scheduled capture time (<see cref="NextCaptureNtp"/>)
    /// and timestamp; <paramref name="fallback"/> when no schedule was set.
    /// </summary>
    public RtcpSenderReport CreateSenderReport(Func<DateTimeOffset> fallback) => NextCaptureNtp is { } ntp
        ? new(Ssrc, ntp, NextTimestamp, PacketCount, OctetCount)
        : CreateSenderReport(fallback());

    public void Dispose() => _encoder.Dispose();
}
