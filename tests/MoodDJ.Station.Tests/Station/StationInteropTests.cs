using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MoodDJ.Media.Srtp;
using MoodDJ.Station;
using MoodDJ.Client;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Media;
using MoodDJ.Station.Tests.Station.Support;

namespace MoodDJ.Station.Tests.Station;

/// <summary>Programs written by others listen to the station: ffmpeg, from the SDP the station hands out.</summary>
public sealed class StationInteropTests
{
    [Fact]
    public async Task Ffmpeg_plays_the_stations_srtp_stream_from_its_sdp_and_decodes_exactly_what_was_sent()
    {
        // About L16: lossless, so ffmpeg's output must match what was sent sample for sample.
        await using var harness = await StationHarness.StartAsync("aead", s => s["use:codec"] = "pcm");
        await using var client = await StationTestClient.ConnectAsync(harness);
        await client.CallAsync(StationMethods.Hello, new HelloParams("ffmpeg minder"));
        await client.CallAsync(StationMethods.Prompt, new PromptParams("I feel happy and excited"));

        // A reference listener in the same session gets the same packets under the same key.
        using var reference = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 4 << 20, ReceiveTimeout = 10_000 };
        reference.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int ffmpegPort;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            ffmpegPort = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }
        var forFfmpeg = await client.CallAsync(StationMethods.Subscribe, new SubscribeParams(ffmpegPort));
        await client.CallAsync(StationMethods.Subscribe, new SubscribeParams(((IPEndPoint)reference.LocalEndPoint!).Port));
        var sdpPath = Path.Combine(Path.GetTempPath(), $"mooddj-station-test-{Guid.NewGuid():N}.sdp");
        await File.WriteAllTextAsync(sdpPath, forFfmpeg.GetProperty("sdp").GetString());
        HeartbeatDatagram.TryParseToken(forFfmpeg.GetProperty("token").GetString(), out var token);
        using var heartbeats = new HeartbeatClient(harness.Engine.StreamTransport, harness.Station.HeartbeatEndPoint, token,
            TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        using var stop = new CancellationTokenSource();
        var beating = heartbeats.RunAsync(stop.Token);

        var collecting = Task.Run(() => CollectReference(reference, SrtpKeys.Derive(client.Secure), TimeSpan.FromSeconds(7)));
        var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg",
            ["-hide_banner", "-nostdin", "-loglevel", "error", "-protocol_whitelist", "file,udp,rtp,srtp",
             "-i", sdpPath, "-t", "3", "-f", "s16le", "-acodec", "pcm_s16le", "-ac", "1", "-ar", "44100", "-"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stderr = ffmpeg.StandardError.ReadToEndAsync();
        using var pcm = new MemoryStream();
        await ffmpeg.StandardOutput.BaseStream.CopyToAsync(pcm).WaitAsync(TimeSpan.FromSeconds(60));
        await ffmpeg.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        File.Delete(sdpPath);
        Assert.True(ffmpeg.ExitCode == 0, "ffmpeg failed: " + await stderr);

        var decoded = pcm.ToArray();
        Assert.True(decoded.Length >= 44100 * 2 * 2, $"ffmpeg decoded only {decoded.Length} bytes");
        var sent = await collecting;
        var played = AudioCompare.FromS16le(decoded);
        // Every 10 ms block ffmpeg decoded must be, sample for sample, one the station sent (L16 is lossless).
        var ratio = AudioCompare.MatchingBlocks(played, sent, 441, out var offset);
        Assert.True(offset >= 0, "ffmpeg's audio was found in what the station sent");
        Assert.True(ratio >= 0.95, $"only {ratio:P1} of ffmpeg's blocks match what the station sent");
        stop.Cancel();
        await beating;
    }

    /// <summary>Decrypts the reference listener's SRTP and decodes its L16 payloads in sequence order.</summary>
    private static float[] CollectReference(Socket socket, SrtpKeys keys, TimeSpan length)
    {
        using var srtp = SrtpContext.Create(keys);
        var frames = new SortedDictionary<int, float[]>();
        var buffer = new byte[2048];
        var watch = Stopwatch.StartNew();
        int? first = null;
        var unwrapped = 0;
        ushort last = 0;
        while (watch.Elapsed < length)
        {
            int n;
            try { n = socket.Receive(buffer); } catch (SocketException) { break; }
            if (RtcpPacket.IsRtcp(buffer.AsSpan(0, n)) || !srtp.TryUnprotect(buffer, n, out var rtpLength)) continue;
            if (!RtpHeader.TryParse(buffer.AsSpan(0, rtpLength), out var header)) continue;
            if (first is null) { first = header.SequenceNumber; last = header.SequenceNumber; }
            unwrapped += (short)(header.SequenceNumber - last);
            last = header.SequenceNumber;
            var payload = buffer.AsSpan(header.PayloadOffset, header.PayloadLength);
            var frame = new float[payload.Length / 2];
            for (var i = 0; i < frame.Length; i++)
                frame[i] = (short)(payload[2 * i] << 8 | payload[2 * i + 1]) / 32768f;
            frames[unwrapped] = frame;
        }
        return frames.Values.SelectMany(f => f).ToArray();
    }

}
