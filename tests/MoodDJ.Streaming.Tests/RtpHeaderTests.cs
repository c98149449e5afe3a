using MoodDJ.Media;
using MoodDJ.Client;

namespace MoodDJ.Streaming.Tests;

public class RtpHeaderTests
{
    [Fact]
    public void A_written_header_parses_back_to_the_same_fields()
    {
        var header = new RtpHeader { Marker = true, PayloadType = 96, SequenceNumber = 0xFFFE, Timestamp = 0xDEADBEEF, Ssrc = 0x01020304 };
        var packet = new byte[RtpHeader.FixedLength + 5];
        Assert.Equal(12, header.Write(packet));
        packet.AsSpan(12).Fill(0x55);

        Assert.True(RtpHeader.TryParse(packet, out var parsed));
        Assert.True(parsed.Marker);
        Assert.Equal(96, parsed.PayloadType);
        Assert.Equal(0xFFFE, parsed.SequenceNumber);
        Assert.Equal(0xDEADBEEF, parsed.Timestamp);
        Assert.Equal(0x01020304u, parsed.Ssrc);
        Assert.Equal(12, parsed.PayloadOffset);
        Assert.Equal(5, parsed.PayloadLength);
    }

    [Fact]
    public void The_test_vector_in_protocol_md_has_these_exact_bytes()
    {
        // docs/protocol.md "### RTP": PT 11, seq 4660, ts 305419896, SSRC 0x4D4F4F44 ("MOOD"), marker set, payload 4 samples.
        var header = new RtpHeader { Marker = true, PayloadType = 11, SequenceNumber = 0x1234, Timestamp = 0x12345678, Ssrc = 0x4D4F4F44 };
        var packet = new byte[20];
        header.Write(packet);
        new byte[] { 0x00, 0x00, 0x40, 0x00, 0xC0, 0x00, 0x7F, 0xFF }.CopyTo(packet, 12);
        Assert.Equal("808B1234123456784D4F4F4400004000C0007FFF", Convert.ToHexString(packet));
    }

    [Fact]
    public void Csrcs_an_extension_and_padding_are_skipped_to_find_the_payload()
    {
        // V=2 P=1 X=1 CC=2, PT 96; 2 CSRCs; extension with 1 word; payload 3 bytes; 4 bytes padding.
        var packet = new List<byte> { 0xB2, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3 };
        packet.AddRange(new byte[8]);                 // CSRCs
        packet.AddRange(new byte[] { 0xBE, 0xDE, 0, 1, 9, 9, 9, 9 }); // extension header + 1 word
        packet.AddRange(new byte[] { 0xA1, 0xA2, 0xA3 });
        packet.AddRange(new byte[] { 0, 0, 0, 4 });   // padding, last byte = count

        Assert.True(RtpHeader.TryParse(packet.ToArray(), out var parsed));
        Assert.Equal(2, parsed.CsrcCount);
        Assert.True(parsed.HasExtension);
        Assert.Equal(28, parsed.PayloadOffset);
        Assert.Equal(3, parsed.PayloadLength);
        Assert.Equal(4, parsed.PaddingLength);
    }

    [Theory]
    [InlineData("")]                                   // empty
    [InlineData("80600001000000020000")]               // 10 bytes: shorter than the fixed header
    [InlineData("40600001000000020000000300")]         // version 1
    [InlineData("C0600001000000020000000300")]         // version 3
    [InlineData("836000010000000200000003AABBCCDD")]   // CC=3 but only one CSRC present
    [InlineData("90600001000000020000000300")]         // X=1 but no extension header
    [InlineData("906000010000000200000003BEDE0005")]   // extension claims 5 words, none present
    [InlineData("A06000010000000200000003AA00")]       // padding count 0
    [InlineData("A06000010000000200000003AA09")]       // padding longer than the payload
    [InlineData("80C800060000000200000003000000000000000000000000")] // an RTCP sender report
    public void Malformed_packets_are_rejected_without_throwing(string hex)
    {
        Assert.False(RtpHeader.TryParse(Convert.FromHexString(hex), out _));
    }

    [Fact]
    public void Random_junk_never_throws()
    {
        var random = new Random(1234);
        var buffer = new byte[64];
        for (var i = 0; i < 100_000; i++)
        {
            var length = random.Next(buffer.Length + 1);
            random.NextBytes(buffer.AsSpan(0, length));
            if (RtpHeader.TryParse(buffer.AsSpan(0, length), out var header))
            {
                Assert.InRange(header.PayloadOffset, 12, length);
                Assert.InRange(header.PayloadLength, 0, length - header.PayloadOffset);
            }
        }
    }
}
