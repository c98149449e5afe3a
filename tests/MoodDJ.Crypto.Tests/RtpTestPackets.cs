using System.Buffers.Binary;

namespace MoodDJ.Crypto.Tests;

/// <summary>Minimal RTP packets built by hand for SRTP tests (the real packetizer is the stream task's).</summary>
internal static class RtpTestPackets
{
    public const int HeaderLength = 12;

    /// <summary>Writes a 12-byte RTP v2 header and copies <paramref name="payload"/> after it; returns the RTP length.</summary>
    public static int Write(Span<byte> buffer, ushort sequence, uint timestamp, uint ssrc, ReadOnlySpan<byte> payload, byte payloadType = 11)
    {
        buffer[0] = 0x80;
        buffer[1] = payloadType;
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[8..], ssrc);
        payload.CopyTo(buffer[HeaderLength..]);
        return HeaderLength + payload.Length;
    }

    public static byte[] Make(ushort sequence, uint ssrc, ReadOnlySpan<byte> payload, int spare = 10)
    {
        var buffer = new byte[HeaderLength + payload.Length + spare];
        Write(buffer, sequence, sequence * 441u, ssrc, payload);
        return buffer;
    }

    /// <summary>A 440 Hz sine as 16-bit big-endian samples (L16), continuous across calls by sample index.</summary>
    public static void Sine(Span<byte> destination, long firstSample, int sampleRate = 44100, double frequency = 440)
    {
        for (var i = 0; i < destination.Length / 2; i++)
        {
            var value = (short)(Math.Sin(2 * Math.PI * frequency * (firstSample + i) / sampleRate) * 12000);
            BinaryPrimitives.WriteInt16BigEndian(destination[(2 * i)..], value);
        }
    }
}
