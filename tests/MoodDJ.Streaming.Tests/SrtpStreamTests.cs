using System.Net;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Media.Srtp;
using MoodDJ.Media;
using MoodDJ.Client;
using MoodDJ.Plugins.PcmCodec;
using MoodDJ.Testing;
using MoodDJ.Plugins.UdpStream;
using MoodDJ.Streaming.Tests.Support;
using Xunit.Abstractions;

namespace MoodDJ.Streaming.Tests;

/// <summary>The stream with SRTP on (RFC 3711 AES_CM_128_HMAC_SHA1_80): our ends, and ffmpeg at either end.</summary>
public class SrtpStreamTests(ITestOutputHelper output)
{
    private const int Frame = 441;
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly UdpStreamTransport _transport = new();

    private IDatagramSocket OpenLoopback() => _transport.Open(new DatagramSocketOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0) });

    private static PlayerPipelineOptions Options => new()
    {
        PayloadType = RtpPayloadTypes.L16Mono44100,
        JitterBuffer = new JitterBufferOptions { ClockRate = 44100, TargetDepth = TimeSpan.FromMilliseconds(100) },
    };

    [Fact]
    public async Task An_srtp_stream_through_a_lossy_proxy_plays_and_forged_packets_are_refused()
    {
        var keys = SrtpKeys.Generate();
        using var senderSrtp = SrtpContext.Create(keys);
        using var playerSrtp = SrtpContext.Create(keys);
        var source = TestSignal.Noise(200 * Frame, seed: 8);
        var codec = new L16Codec();
        using var receiver = OpenLoopback();
        using var sender = OpenLoopback();
        await using var proxy = ImpairmentProxy.Start(receiver.LocalEndPoint, new ImpairmentOptions
        {
            LossPercent = 3, DuplicatePercent = 5, Jitter = TimeSpan.FromMilliseconds(10), Seed = 4,
        });
        var playback = new CapturingPlayback(AudioFormat.SeedMono);
        var pipeline = new PlayerPipeline(receiver, codec.CreateDecoder(AudioFormat.SeedMono, Frame), playback, Options, playerSrtp);
        using var cts = new CancellationTokenSource(Generous);
        var run = pipeline.RunAsync(cts.Token);

        using var packetizer = RtpPacketizer.Create(codec, AudioFormat.SeedMono, Frame, ssrc: 0x5EC0DE, firstSequenceNumber: 1000);
        // Forgeries: plain RTP of the right type and SSRC (no tag), and packets protected with another key;
        // their sequence numbers run well ahead of the stream's (1000 + 10 per 100 ms) so the replay window passes them to authentication.
        var forged = 0;
        var forger = Task.Run(async () =>
        {
            using var other = SrtpContext.Create(SrtpKeys.Generate());
            var packet = new byte[1500];
            for (var i = 0; i < 10; i++)
            {
                await Task.Delay(100, cts.Token);
                var length = new RtpHeader { PayloadType = RtpPayloadTypes.L16Mono44100, SequenceNumber = (ushort)(1100 + 20 * i), Ssrc = 0x5EC0DE }.Write(packet) + 882;
                if (i % 2 == 1) length = other.Protect(packet, length); // right shape, wrong key
                await sender.SendToAsync(packet.AsMemory(0, length), receiver.LocalEndPoint, cts.Token);
                forged++;
            }
        });
        await PacedSender.SendAsync(packetizer, sender, proxy.EndPoint, source, cts.Token, senderSrtp.Protect);
        await forger;
        while (proxy.Queued > 0 || pipeline.Stats.Buffered > TimeSpan.Zero || pipeline.Stats.Played == 0)
            await Task.Delay(20, cts.Token);
        await Task.Delay(100, cts.Token);
        cts.Cancel();
        await run;

        var stats = pipeline.Stats;
        output.WriteLine($"player: {stats}; replayed {stats.Replayed}; proxy: {proxy.Stats}");
        Assert.Equal(forged, stats.Unauthenticated);
        Assert.Equal(proxy.Stats.Duplicated, stats.Duplicates); // caught by the SRTP replay window
        Assert.InRange(stats.Lost, proxy.Stats.Dropped - 2, proxy.Stats.Dropped);

        var played = playback.Snapshot();
        var offset = TestSignal.Find(source, played.AsSpan(Array.FindIndex(played, s => s != 0) / Frame * Frame, Frame)) - Array.FindIndex(played, s => s != 0) / Frame * Frame;
        Assert.True(offset >= 0 && offset % Frame == 0, $"no alignment with the source ({offset})");
        var matched = 0;
        for (var k = 0; k < played.Length / Frame; k++)
            if (played.AsSpan(k * Frame, Frame).SequenceEqual(source.AsSpan(offset + k * Frame, Frame))) matched++;
        Assert.Equal(stats.Played, matched);
        Assert.Equal(stats.Concealed, played.Length / Frame - matched);
    }

    [Fact]
    public async Task The_player_plays_an_srtp_stream_that_ffmpeg_sends()
    {
        using var folder = new TempFolder();
        var wav = Path.Combine(folder.Path, "source.wav");
        await Ffmpeg.RunAsync($"-f lavfi -i anoisesrc=d=2:c=white:a=0.3:seed=9 -ac 1 -ar 44100 -c:a pcm_s16le {wav}", Generous);
        var source = TestSignal.ReadWav16(wav);
        var keys = SrtpKeys.Generate();
        using var srtp = SrtpContext.Create(keys);

        using var receiver = OpenLoopback();
        var playback = new CapturingPlayback(AudioFormat.SeedMono);
        var pipeline = new PlayerPipeline(receiver, new L16Codec().CreateDecoder(AudioFormat.SeedMono, 600), playback, Options, srtp);
        using var cts = new CancellationTokenSource(Generous);
        var run = pipeline.RunAsync(cts.Token);

        var sdpPath = Path.Combine(folder.Path, "ffmpeg.sdp");
        await Ffmpeg.RunAsync($"-re -i {wav} -c:a pcm_s16be -f rtp -srtp_out_suite {SrtpKeys.Suite} -srtp_out_params {keys.ToInlineBase64()} " +
            $"-sdp_file {sdpPath} \"srtp://127.0.0.1:{receiver.LocalEndPoint.Port}?pkt_size=1200\"", Generous);
        var sdp = SdpDescription.Parse(await File.ReadAllTextAsync(sdpPath, cts.Token));
        Assert.Equal(keys.ToInlineBase64(), sdp.Crypto!.InlineKey);

        await PlayerRun.PlayOutAndStopAsync(pipeline, run, cts);

        var stats = pipeline.Stats;
        output.WriteLine($"player: {stats}");
        Assert.Equal(0, stats.Unauthenticated);
        Assert.Equal(0, stats.DecodeErrors);
        Assert.Equal(0, stats.Concealed);
        var played = playback.Snapshot();
        Assert.Equal(source.Length, played.Length);
        var firstDifference = played.AsSpan().CommonPrefixLength(source);
        Assert.True(firstDifference == source.Length, $"the played audio differs from what ffmpeg sent from sample {firstDifference} on");
    }

    [Fact]
    public async Task Ffmpeg_decodes_an_srtp_stream_from_the_packetizer_using_our_sdp_with_a_crypto_line()
    {
        using var folder = new TempFolder();
        var keys = SrtpKeys.Generate();
        using var srtp = SrtpContext.Create(keys);
        var source = TestSignal.Noise(200 * Frame, seed: 31);
        var port = FfmpegInteropTests.FreeUdpPortPair();
        var sdp = new SdpDescription
        {
            ConnectionAddress = "127.0.0.1",
            Port = port,
            PayloadType = RtpPayloadTypes.L16Mono44100,
            EncodingName = "L16",
            ClockRate = 44100,
            PacketTimeMs = 10,
            Crypto = new SdpCrypto(1, SrtpKeys.Suite, keys.ToInlineBase64()),
        };
        var sdpPath = Path.Combine(folder.Path, "mooddj.sdp");
        await File.WriteAllTextAsync(sdpPath, sdp.ToString());
        var wav = Path.Combine(folder.Path, "received.wav");

        await using var ffmpeg = Ffmpeg.Start($"-protocol_whitelist file,udp,rtp,srtp -i {sdpPath} -t 1.5 -c:a pcm_s16le {wav}");
        await FfmpegInteropTests.WaitUntilBoundAsync(port);
        using var sender = OpenLoopback();
        using var packetizer = RtpPacketizer.Create(new L16Codec(), AudioFormat.SeedMono, Frame, ssrc: 0xABCDEF01);
        using var cts = new CancellationTokenSource(Generous);
        await PacedSender.SendAsync(packetizer, sender, new IPEndPoint(IPAddress.Loopback, port), source, cts.Token, srtp.Protect);
        await ffmpeg.WaitAsync(Generous);

        var received = TestSignal.ReadWav16(wav);
        output.WriteLine($"ffmpeg wrote {received.Length} samples");
        Assert.InRange(received.Length, 44100 * 14 / 10, 44100 * 16 / 10);
        var at = TestSignal.Find(source, received);
        Assert.True(at >= 0 && at % Frame == 0, $"ffmpeg's output does not start on a frame of the source (at {at})");
        Assert.True(received.AsSpan().SequenceEqual(source.AsSpan(at, received.Length)), "ffmpeg decoded different audio than was sent");
    }
}
