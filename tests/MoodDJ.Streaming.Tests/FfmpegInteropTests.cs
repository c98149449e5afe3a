using System.Net;
using System.Net.Sockets;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Media;
using MoodDJ.Client;
using MoodDJ.Plugins.PcmCodec;
using MoodDJ.Plugins.UdpStream;
using MoodDJ.Streaming.Tests.Support;
using Xunit.Abstractions;

namespace MoodDJ.Streaming.Tests;

/// <summary>Real programs written by others: ffmpeg sends a stream our player plays, and plays a stream our packetizer sends.</summary>
public class FfmpegInteropTests(ITestOutputHelper output)
{
    private const int Frame = 441;
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly UdpStreamTransport _transport = new();

    [Fact]
    public async Task The_player_plays_an_L16_stream_that_ffmpeg_sends_sample_for_sample()
    {
        using var folder = new TempFolder();
        var wav = Path.Combine(folder.Path, "source.wav");
        await Ffmpeg.RunAsync($"-f lavfi -i anoisesrc=d=2:c=pink:a=0.3:seed=5 -ac 1 -ar 44100 -c:a pcm_s16le {wav}", Generous);
        var source = TestSignal.ReadWav16(wav);

        using var receiver = _transport.Open(new DatagramSocketOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0) });
        var playback = new CapturingPlayback(AudioFormat.SeedMono);
        var pipeline = new PlayerPipeline(receiver, new L16Codec().CreateDecoder(AudioFormat.SeedMono, 600), playback, new PlayerPipelineOptions
        {
            // ffmpeg's choice for L16 44.1 kHz mono, as ours; its packets (-pkt_size 1200) hold up to 594 samples.
            PayloadType = RtpPayloadTypes.L16Mono44100,
            JitterBuffer = new JitterBufferOptions { ClockRate = 44100, TargetDepth = TimeSpan.FromMilliseconds(100) },
        });
        using var cts = new CancellationTokenSource(Generous);
        var run = pipeline.RunAsync(cts.Token);

        var sdpPath = Path.Combine(folder.Path, "ffmpeg.sdp");
        await Ffmpeg.RunAsync($"-re -i {wav} -c:a pcm_s16be -f rtp -pkt_size 1200 -sdp_file {sdpPath} rtp://127.0.0.1:{receiver.LocalEndPoint.Port}", Generous);
        var sdp = SdpDescription.Parse(await File.ReadAllTextAsync(sdpPath, cts.Token));
        Assert.Equal(RtpPayloadTypes.L16Mono44100, sdp.PayloadType);

        await PlayerRun.PlayOutAndStopAsync(pipeline, run, cts);

        var stats = pipeline.Stats;
        output.WriteLine($"player: {stats}");
        Assert.Equal(0, stats.DecodeErrors);
        Assert.Equal(0, stats.Concealed);
        Assert.Equal(0, stats.Junk);
        var played = playback.Snapshot();
        Assert.Equal(source.Length, played.Length);
        Assert.True(played.AsSpan().SequenceEqual(source), "the played audio differs from the file ffmpeg sent");
    }

    [Fact]
    public async Task Ffmpeg_decodes_what_the_packetizer_sends_using_our_sdp()
    {
        using var folder = new TempFolder();
        var source = TestSignal.Noise(200 * Frame, seed: 21); // 2 s
        var port = FreeUdpPortPair();
        var sdp = new SdpDescription
        {
            SessionId = 1,
            ConnectionAddress = "127.0.0.1",
            Port = port,
            PayloadType = RtpPayloadTypes.L16Mono44100,
            EncodingName = "L16",
            ClockRate = 44100,
            PacketTimeMs = 10,
        };
        var sdpPath = Path.Combine(folder.Path, "mooddj.sdp");
        await File.WriteAllTextAsync(sdpPath, sdp.ToString());
        var wav = Path.Combine(folder.Path, "received.wav");

        await using var ffmpeg = Ffmpeg.Start($"-protocol_whitelist file,udp,rtp -i {sdpPath} -t 1.5 -c:a pcm_s16le {wav}");
        await WaitUntilBoundAsync(port);

        using var sender = _transport.Open(new DatagramSocketOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0) });
        using var packetizer = RtpPacketizer.Create(new L16Codec(), AudioFormat.SeedMono, Frame, ssrc: 0x11223344);
        using var cts = new CancellationTokenSource(Generous);
        await PacedSender.SendAsync(packetizer, sender, new IPEndPoint(IPAddress.Loopback, port), source, cts.Token);
        await ffmpeg.WaitAsync(Generous);

        var received = TestSignal.ReadWav16(wav);
        output.WriteLine($"ffmpeg wrote {received.Length} samples");
        Assert.InRange(received.Length, 44100 * 14 / 10, 44100 * 16 / 10);
        var at = TestSignal.Find(source, received);
        Assert.True(at >= 0 && at % Frame == 0, $"ffmpeg's output does not start on a frame of the source (at {at})");
        Assert.True(received.AsSpan().SequenceEqual(source.AsSpan(at, received.Length)), "ffmpeg decoded different audio than was sent");
    }

    /// <summary>An even port whose successor is free too (ffmpeg takes RTP port + 1 for RTCP).</summary>
    internal static int FreeUdpPortPair()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            int port;
            using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
            {
                probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                port = ((IPEndPoint)probe.LocalEndPoint!).Port & ~1;
            }
            if (port < 1024 || port > 65530) continue;
            if (CanBind(port) && CanBind(port + 1)) return port;
        }
        throw new InvalidOperationException("No free pair of UDP ports found.");
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Any, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>ffmpeg is listening once the port can no longer be bound.</summary>
    internal static async Task WaitUntilBoundAsync(int port)
    {
        var deadline = DateTime.UtcNow + Generous;
        while (CanBind(port))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"ffmpeg never bound UDP port {port}.");
            await Task.Delay(20);
        }
        await Task.Delay(100); // it binds, then enters its read loop
    }
}
