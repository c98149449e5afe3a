using MoodDJ.Media;
using MoodDJ.Client;
using MoodDJ.Streaming.Tests.Support;

namespace MoodDJ.Streaming.Tests;

public class SdpDescriptionTests
{
    [Fact]
    public void A_written_description_parses_back_equal()
    {
        var sdp = new SdpDescription
        {
            SessionId = 42,
            SessionVersion = 7,
            ConnectionAddress = "127.0.0.1",
            Port = 5680,
            PayloadType = 96,
            EncodingName = "opus",
            ClockRate = 48000,
            Channels = 2,
            PacketTimeMs = 20,
            RtcpMux = true,
            Crypto = new SdpCrypto(1, SdpCrypto.AesCm128HmacSha1_80, "zRdpDQs2w5QUUYZ06uj1ICvRyFPVfrIhIVbEpxOv"),
        };
        var text = sdp.ToString();

        Assert.Contains("m=audio 5680 RTP/SAVP 96\r\n", text);
        Assert.Contains("a=rtpmap:96 opus/48000/2\r\n", text);
        Assert.Contains("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:zRdpDQs2w5QUUYZ06uj1ICvRyFPVfrIhIVbEpxOv\r\n", text);
        Assert.Equal(sdp, SdpDescription.Parse(text));
    }

    [Fact]
    public void The_example_in_protocol_md_is_what_the_writer_writes()
    {
        var sdp = new SdpDescription
        {
            SessionName = "MoodDJ station",
            SessionId = 0x4D4F4F44,
            SessionVersion = 1,
            ConnectionAddress = "127.0.0.1",
            Port = 5680,
            PayloadType = 11,
            EncodingName = "L16",
            ClockRate = 44100,
            PacketTimeMs = 10,
            RtcpMux = true,
            Crypto = new SdpCrypto(1, SdpCrypto.AesCm128HmacSha1_80, "zRdpDQs2w5QUUYZ06uj1ICvRyFPVfrIhIVbEpxOv"),
        };
        var docs = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "protocol.md"));
        var start = docs.IndexOf("```\nv=0\n", StringComparison.Ordinal) + 4;
        var example = docs[start..docs.IndexOf("```", start, StringComparison.Ordinal)];
        Assert.Equal(example.Replace("\n", "\r\n"), sdp.ToString());
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MoodDJ.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("MoodDJ.sln not found above the test folder.");
    }

    [Fact]
    public void A_multicast_connection_keeps_its_ttl()
    {
        var sdp = new SdpDescription { ConnectionAddress = "239.255.42.1", MulticastTtl = 4, Port = 5004, PayloadType = 11, EncodingName = "L16", ClockRate = 44100 };
        Assert.Contains("c=IN IP4 239.255.42.1/4\r\n", sdp.ToString());
        Assert.Equal(sdp, SdpDescription.Parse(sdp.ToString()));
    }

    [Fact]
    public async Task The_description_ffmpeg_writes_with_sdp_file_parses()
    {
        using var folder = new TempFolder();
        var sdpPath = Path.Combine(folder.Path, "s.sdp");
        // ffmpeg writes the SDP, then sends a short tone to a port nobody listens on.
        await Ffmpeg.RunAsync($"-f lavfi -i sine=f=440:d=0.2 -ac 1 -ar 44100 -acodec pcm_s16be -f rtp " +
            $"-srtp_out_suite AES_CM_128_HMAC_SHA1_80 -srtp_out_params zRdpDQs2w5QUUYZ06uj1ICvRyFPVfrIhIVbEpxOv " +
            $"-sdp_file {sdpPath} srtp://127.0.0.1:9", TimeSpan.FromSeconds(30));

        var sdp = SdpDescription.Parse(await File.ReadAllTextAsync(sdpPath));
        Assert.Equal(11, sdp.PayloadType);
        Assert.Equal("L16", sdp.EncodingName);     // static type: no a=rtpmap in ffmpeg's file
        Assert.Equal(44100, sdp.ClockRate);
        Assert.Equal(1, sdp.Channels);
        Assert.Equal(9, sdp.Port);
        Assert.Equal("127.0.0.1", sdp.ConnectionAddress);
        Assert.Equal(SdpCrypto.AesCm128HmacSha1_80, sdp.Crypto!.Suite);
        Assert.Equal("zRdpDQs2w5QUUYZ06uj1ICvRyFPVfrIhIVbEpxOv", sdp.Crypto.InlineKey);
    }

    [Theory]
    [InlineData("", "v=0")]
    [InlineData("v=0\r\ns=x\r\nc=IN IP4 127.0.0.1\r\n", "m=audio")]
    [InlineData("v=0\r\ns=x\r\nm=audio 5000 RTP/AVP 11\r\n", "c=")]
    [InlineData("v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 5000 RTP/AVP 96\r\n", "rtpmap")]
    [InlineData("v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 99999 RTP/AVP 11\r\n", "port")]
    [InlineData("v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 5000 udp 11\r\n", "not RTP")]
    [InlineData("v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 5000 RTP/AVP 96\r\na=rtpmap:96 L16\r\n", "clock rate")]
    [InlineData("v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 5000 RTP/AVP 11\r\na=crypto:x AES_CM_128_HMAC_SHA1_80 inline:k\r\n", "tag")]
    [InlineData("v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 5000 RTP/AVP 11\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 key\r\n", "inline")]
    public void An_unusable_description_is_refused_with_a_reason(string text, string reasonContains)
    {
        Assert.False(SdpDescription.TryParse(text, out _, out var error));
        Assert.Contains(reasonContains, error);
    }
}
