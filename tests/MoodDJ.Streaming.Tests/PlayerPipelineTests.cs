using System.Net;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Media;
using MoodDJ.Client;
using MoodDJ.Plugins.PcmCodec;
using MoodDJ.Testing;
using MoodDJ.Plugins.UdpStream;
using MoodDJ.Streaming.Tests.Support;
using Xunit.Abstractions;

namespace MoodDJ.Streaming.Tests;

public class PlayerPipelineTests(ITestOutputHelper output)
{
    private const int Frame = 441;
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private readonly UdpStreamTransport _transport = new();

    private IDatagramSocket OpenLoopback() => _transport.Open(new DatagramSocketOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0) });

    private static PlayerPipelineOptions Options(int targetMs) => new()
    {
        PayloadType = RtpPayloadTypes.L16Mono44100,
        JitterBuffer = new JitterBufferOptions { ClockRate = 44100, TargetDepth = TimeSpan.FromMilliseconds(targetMs) },
    };

    [Fact]
    public async Task A_full_track_through_a_lossy_jittery_proxy_plays_the_source_audio_and_reports_the_loss()
    {
        const int frames = 500; // 5 s
        var source = TestSignal.Noise(frames * Frame, seed: 11);
        var codec = new L16Codec();
        using var receiver = OpenLoopback();
        using var sender = OpenLoopback();
        await using var proxy = ImpairmentProxy.Start(receiver.LocalEndPoint, new ImpairmentOptions
        {
            LossPercent = 5,
            Delay = TimeSpan.FromMilliseconds(5),
            Jitter = TimeSpan.FromMilliseconds(15),
            ReorderPercent = 5,
            ReorderDelay = TimeSpan.FromMilliseconds(25),
            DuplicatePercent = 5,
            Seed = 7,
        });
        var playback = new CapturingPlayback(AudioFormat.SeedMono);
        var pipeline = new PlayerPipeline(receiver, codec.CreateDecoder(AudioFormat.SeedMono, Frame), playback, Options(targetMs: 100));
        using var cts = new CancellationTokenSource(Generous);
        var run = pipeline.RunAsync(cts.Token);

        using var packetizer = RtpPacketizer.Create(codec, AudioFormat.SeedMono, Frame, ssrc: 0x4D4F4F44, firstSequenceNumber: 65300);
        var send = PacedSender.SendAsync(packetizer, sender, proxy.EndPoint, source, cts.Token);
        var junk = SendJunkAsync(sender, receiver.LocalEndPoint, cts.Token);
        await Task.WhenAll(send, junk);

        // The stream is over once the player ran dry after the last packet.
        while (proxy.Queued > 0 || pipeline.Stats.Buffered > TimeSpan.Zero || pipeline.Stats.Underruns == 0)
            await Task.Delay(20, cts.Token);
        await Task.Delay(100, cts.Token);
        cts.Cancel();
        await run;

        var stats = pipeline.Stats;
        var impairment = proxy.Stats;
        output.WriteLine($"player: {stats}; proxy: {impairment}");
        Assert.True(pipeline.FirstSamplePlayed.IsCompletedSuccessfully);
        // Gaps whose next packet was already held went through the codec's Recover (Opus: that packet's
        // FEC; L16 has none and conceals), the others straight to concealment.
        Assert.InRange(stats.Recovered, 1, stats.Concealed);

        var played = playback.Snapshot();
        Assert.Equal(0, played.Length % Frame);
        var firstAudible = Array.FindIndex(played, s => s != 0) / Frame * Frame;
        var offset = TestSignal.Find(source, played.AsSpan(firstAudible, Frame)) - firstAudible;
        Assert.True(offset >= 0 && offset % Frame == 0, $"the played audio does not line up with the source (offset {offset})");

        // Frame k of the output is source frame k (decoded) or a concealment (the codec's fade-out), never anything shifted.
        var matched = 0;
        for (var k = 0; k < played.Length / Frame; k++)
            if (played.AsSpan(k * Frame, Frame).SequenceEqual(source.AsSpan(offset + k * Frame, Frame))) matched++;
        Assert.Equal(stats.Played, matched);
        Assert.Equal(stats.Concealed, played.Length / Frame - matched);
        Assert.Equal(stats.Played + stats.Concealed, played.Length / Frame);
        Assert.True(matched >= frames * 0.85, $"only {matched} of {frames} frames played");

        // Loss seen ≈ what the proxy really dropped (a drop before the first or after the last arrival is invisible).
        Assert.InRange(impairment.Dropped, 10, 60);
        Assert.InRange(stats.Lost, impairment.Dropped - 3, impairment.Dropped);
        Assert.InRange(stats.Duplicates, impairment.Duplicated - 2, impairment.Duplicated);
        Assert.True(stats.Concealed >= stats.Lost);
        Assert.Equal(JunkCount, stats.Junk);
    }

    private const int JunkCount = 40;

    /// <summary>Datagrams that are not this stream: random bytes, an empty one, RTP of another type, and RTCP from a stranger.</summary>
    private static async Task SendJunkAsync(IDatagramSocket socket, IPEndPoint target, CancellationToken cancellationToken)
    {
        var random = new Random(3);
        for (var i = 0; i < JunkCount; i++)
        {
            await Task.Delay(100, cancellationToken);
            byte[] datagram;
            switch (i % 4)
            {
                case 0:
                    datagram = new byte[random.Next(1, 1400)];
                    random.NextBytes(datagram);
                    datagram[0] = 0x3F; // version 0: never valid RTP
                    break;
                case 1:
                    datagram = new byte[3];
                    break;
                case 2:
                    datagram = new byte[100];
                    new RtpHeader { PayloadType = 0, SequenceNumber = 1, Ssrc = 0x4D4F4F44 }.Write(datagram);
                    break;
                default:
                    datagram = new byte[RtcpSenderReport.Length];
                    new RtcpSenderReport(Ssrc: 99, 0, 0, 0, 0).Write(datagram);
                    break;
            }
            await socket.SendToAsync(datagram, target, cancellationToken);
        }
    }

    [Fact]
    public async Task Bad_options_are_refused_at_construction()
    {
        using var socket = OpenLoopback();
        var codec = new L16Codec();
        var error = Assert.Throws<ArgumentException>(() => new PlayerPipeline(socket, codec.CreateDecoder(AudioFormat.SeedMono, Frame),
            new CapturingPlayback(AudioFormat.SeedMono), Options(60) with { OutputLead = TimeSpan.FromSeconds(-1) }));
        Assert.Contains("OutputLead", error.Message);
        await Task.CompletedTask;
    }
}
