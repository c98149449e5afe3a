using MoodDJ.Media;
using MoodDJ.Client;

namespace MoodDJ.Streaming.Tests;

public class RtcpSenderReportTests
{
    [Fact]
    public void A_compound_report_parses_back_and_is_recognized_as_rtcp()
    {
        var when = new DateTimeOffset(2026, 11, 21, 15, 0, 0, 250, TimeSpan.Zero);
        var report = new RtcpSenderReport(0x4D4F4F44, NtpTime.FromDateTime(when), 123456, 500, 441000);
        var buffer = new byte[128];
        var length = report.WriteCompound(buffer, "station@127.0.0.1");

        Assert.Equal(0, length % 4);
        Assert.True(RtcpPacket.IsRtcp(buffer.AsSpan(0, length)));
        Assert.False(RtpHeader.TryParse(buffer.AsSpan(0, length), out _));
        Assert.True(RtcpSenderReport.TryParse(buffer.AsSpan(0, length), out var parsed));
        Assert.Equal(report, parsed);
        Assert.Equal(when, NtpTime.ToDateTime(parsed.NtpTimestamp));
    }

    [Fact]
    public void The_sender_report_layout_is_rfc_3550()
    {
        var report = new RtcpSenderReport(1, 0x0102030405060708, 9, 10, 11);
        var buffer = new byte[RtcpSenderReport.Length];
        report.Write(buffer);
        Assert.Equal("80C80006" + "00000001" + "0102030405060708" + "00000009" + "0000000A" + "0000000B", Convert.ToHexString(buffer));
    }

    [Theory]
    [InlineData("80C80006000000010102")]     // length field runs past the end
    [InlineData("80C9000100000001")]         // a receiver report only
    [InlineData("00C80006000000010102030405060708000000090000000A0000000B")] // version 0
    [InlineData("80C80001000000010102030405060708000000090000000A0000000B")] // SR claiming 8 bytes
    public void Malformed_or_other_rtcp_yields_no_report(string hex)
    {
        Assert.False(RtcpSenderReport.TryParse(Convert.FromHexString(hex), out _));
    }
}
