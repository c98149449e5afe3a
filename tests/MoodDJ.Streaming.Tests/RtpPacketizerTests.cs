using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Codecs;
using MoodDJ.Media;
using MoodDJ.Client;
using MoodDJ.Plugins.PcmCodec;
using MoodDJ.Streaming.Tests.Support;

namespace MoodDJ.Streaming.Tests;

public class RtpPacketizerTests
{
    [Fact]
    public void Each_frame_becomes_one_packet_with_advancing_sequence_and_timestamp()
    {
        using var packetizer = RtpPacketizer.Create(new L16Codec(), AudioFormat.SeedMono, 441, ssrc: 77, firstSequenceNumber: 65534, firstTimestamp: uint.MaxValue - 100);
        Assert.Equal(RtpPayloadTypes.L16Mono44100, packetizer.PayloadType);
        var frame = new float[441];
        frame[0] = 0.5f;
        var packet = new byte[packetizer.MaxPacketBytes];

        var headers = new List<RtpHeader>();
        for (var i = 0; i < 3; i++)
        {
            var length = packetizer.Packetize(frame, packet);
            Assert.Equal(12 + 882, length);
            Assert.True(RtpHeader.TryParse(packet.AsSpan(0, length), out var header));
            headers.Add(header);
        }

        Assert.Equal(new ushort[] { 65534, 65535, 0 }, headers.Select(h => h.SequenceNumber));
        Assert.Equal(new[] { uint.MaxValue - 100, 340u, 781u }, headers.Select(h => h.Timestamp));
        Assert.Equal(new[] { true, false, false }, headers.Select(h => h.Marker));
        Assert.All(headers, h => Assert.Equal(77u, h.Ssrc));
        Assert.Equal(0x40, packet[12]); // 0.5 as big-endian s16 = 0x4000
        Assert.Equal(3u, packetizer.PacketCount);
        Assert.Equal(3u * 882, packetizer.OctetCount);
    }

    [Fact]
    public void A_pause_jumps_the_timestamp_and_marks_the_next_packet()
    {
        using var packetizer = RtpPacketizer.Create(new L16Codec(), AudioFormat.SeedMono, 441, 1, 10, 1000);
        var packet = new byte[packetizer.MaxPacketBytes];
        packetizer.Packetize(new float[441], packet);
        packetizer.SkipFrames(100);
        var length = packetizer.Packetize(new float[441], packet);
        Assert.True(RtpHeader.TryParse(packet.AsSpan(0, length), out var header));
        Assert.Equal(11, header.SequenceNumber);
        Assert.Equal(1000u + 441 * 101, header.Timestamp);
        Assert.True(header.Marker);
    }

    [Fact]
    public void Frames_whose_packets_could_exceed_1200_bytes_are_refused()
    {
        // An encoder that could write 1500 bytes (20 ms of 44.1 kHz mono L16 would be 1764): it would need fragmenting.
        var error = Assert.Throws<ArgumentException>(() => new RtpPacketizer(new OversizedEncoder(), AudioFormat.SeedMono, 750, 44100, 96, 1));
        Assert.Contains("1200", error.Message);
    }

    [Fact]
    public void A_frame_of_the_wrong_size_is_refused()
    {
        using var packetizer = RtpPacketizer.Create(new L16Codec(), AudioFormat.SeedMono, 441, 1);
        Assert.Throws<ArgumentException>(() => packetizer.Packetize(new float[440], new byte[packetizer.MaxPacketBytes]));
    }

    [Fact]
    public void Other_formats_use_dynamic_payload_type_96()
    {
        using var packetizer = RtpPacketizer.Create(new L16Codec(), new AudioFormat(48000, 2), 240, 1);
        Assert.Equal(96, packetizer.PayloadType);
        Assert.Equal(240u, packetizer.TimestampStep);
    }

    [Fact]
    public void A_sender_report_ties_wall_clock_to_the_next_timestamp()
    {
        using var packetizer = RtpPacketizer.Create(new L16Codec(), AudioFormat.SeedMono, 441, 5, 0, 0);
        var packet = new byte[packetizer.MaxPacketBytes];
        packetizer.Packetize(new float[441], packet);
        var now = DateTimeOffset.UtcNow;
        var report = packetizer.CreateSenderReport(now);
        Assert.Equal(441u, report.RtpTimestamp);
        Assert.Equal(1u, report.PacketCount);
        Assert.Equal(882u, report.OctetCount);
        Assert.InRange((NtpTime.ToDateTime(report.NtpTimestamp) - now).Duration(), TimeSpan.Zero, TimeSpan.FromMilliseconds(1));
    }

    /// <summary>Only its packet size matters: the real codecs refuse such frames themselves.</summary>
    private sealed class OversizedEncoder : IAudioEncoder
    {
        public int MaxPacketBytes => 1500;
        public int Encode(ReadOnlySpan<float> frame, Span<byte> packet) => 0;
        public void Dispose() { }
    }
}
