using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MoodDJ.Media.Srtp;

namespace MoodDJ.Crypto.Tests;

/// <summary>SRTP against a program written by others: ffmpeg 5.1's SRTP sender and receiver.</summary>
public class SrtpFfmpegInteropTests
{
    private static readonly string[] SineSource = ["-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-ac", "1", "-ar", "44100"];

    [Fact]
    public async Task Every_packet_ffmpeg_sends_with_srtp_unprotects_to_the_audio_it_encoded()
    {
        var keys = SrtpKeys.Generate();
        using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Client.ReceiveBufferSize = 1 << 20;
        var port = ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
        var reference = await ReferencePcmAsync();

        await using var ffmpeg = ExternalProcess.Start("ffmpeg", [
            "-hide_banner", "-nostdin", "-loglevel", "error", "-re", .. SineSource, "-c:a", "pcm_s16be",
            "-f", "rtp", "-srtp_out_suite", SrtpKeys.Suite, "-srtp_out_params", keys.ToInlineBase64(),
            $"srtp://127.0.0.1:{port}"]);

        using var receiver = SrtpContext.Create(keys);
        var packets = new SortedDictionary<long, byte[]>();
        var rejected = 0;
        var exited = ffmpeg.WaitAsync(TimeSpan.FromSeconds(60));
        // Receive until a second after ffmpeg exits (what is left in the socket), at most 60 s.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        _ = exited.ContinueWith(_ => stop.CancelAfter(TimeSpan.FromSeconds(1)), TaskScheduler.Default);
        while (true)
        {
            UdpReceiveResult datagram;
            try
            {
                datagram = await socket.ReceiveAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            var bytes = datagram.Buffer;
            if (!receiver.TryUnprotect(bytes, bytes.Length, out var rtpLength, out _))
            {
                rejected++;
                continue;
            }
            Assert.Equal(11, bytes[1] & 0x7F); // L16/44100/1
            packets[BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(2))] = bytes[12..rtpLength];
        }
        var (code, _, stderr) = await exited;
        Assert.True(code == 0, $"ffmpeg failed: {stderr}");

        Assert.Equal(0, rejected);
        Assert.True(packets.Count > 50, $"only {packets.Count} packets arrived");
        var received = packets.Values.SelectMany(p => p).ToArray();
        Assert.Equal(reference.Length, received.Length);
        Assert.Equal(reference, received);
    }

    [Fact]
    public async Task Ffmpeg_decodes_the_srtp_stream_we_protect_across_a_sequence_rollover()
    {
        var keys = SrtpKeys.Generate();
        var port = FreeUdpPortPair();
        var sdpPath = Path.Combine(Path.GetTempPath(), $"mooddj-srtp-{Guid.NewGuid():N}.sdp");
        await File.WriteAllTextAsync(sdpPath, string.Join("\r\n",
            "v=0", "o=- 0 0 IN IP4 127.0.0.1", "s=MoodDJ SRTP test", "c=IN IP4 127.0.0.1", "t=0 0",
            $"m=audio {port} RTP/SAVP 11", "a=rtpmap:11 L16/44100/1", keys.ToSdpCryptoAttribute(), ""));
        try
        {
            const double seconds = 1.5;
            await using var ffmpeg = ExternalProcess.Start("ffmpeg", [
                "-hide_banner", "-nostdin", "-loglevel", "error", "-protocol_whitelist", "file,udp,rtp,srtp",
                "-i", sdpPath, "-t", seconds.ToString(CultureInfo.InvariantCulture), "-f", "s16be", "-"]);
            await WaitUntilBoundAsync(port, TimeSpan.FromSeconds(30));

            // 3 s of 10 ms L16 packets paced in real time, starting near the top of the sequence space.
            using var sender = SrtpContext.Create(keys);
            using var socket = new UdpClient();
            var target = new IPEndPoint(IPAddress.Loopback, port);
            const int samplesPerPacket = 441;
            var sent = new byte[300 * samplesPerPacket * 2];
            RtpTestPackets.Sine(sent, 0);
            var buffer = new byte[12 + samplesPerPacket * 2 + SrtpContext.TagLength];
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var exited = ffmpeg.WaitAsync(TimeSpan.FromSeconds(60));
            for (var i = 0; i < 300 && !exited.IsCompleted; i++)
            {
                var payload = sent.AsSpan(i * samplesPerPacket * 2, samplesPerPacket * 2);
                var rtp = RtpTestPackets.Write(buffer, (ushort)(65_500 + i), (uint)(i * samplesPerPacket), 0x11223344, payload);
                var srtp = sender.Protect(buffer, rtp);
                await socket.SendAsync(buffer.AsMemory(0, srtp), target);
                var due = TimeSpan.FromMilliseconds(10 * (i + 1)) - clock.Elapsed;
                if (due > TimeSpan.Zero) await Task.Delay(due);
            }
            var (code, decoded, stderr) = await exited;
            Assert.True(code == 0, $"ffmpeg failed: {stderr}");

            // ffmpeg's output is the stream from its first packet on: find it and compare every byte.
            Assert.True(decoded.Length >= 44100 * 2, $"ffmpeg decoded only {decoded.Length} bytes. stderr: {stderr}");
            var start = FindPacketAlignedOffset(sent, decoded, samplesPerPacket * 2);
            Assert.True(start >= 0, "ffmpeg's audio does not match what was sent");
            Assert.True(start / (samplesPerPacket * 2) + decoded.Length / (samplesPerPacket * 2) > 36,
                "the decoded audio must reach past the sequence rollover (packet 36)");
        }
        finally
        {
            File.Delete(sdpPath);
        }
    }

    private static async Task<byte[]> ReferencePcmAsync()
    {
        await using var ffmpeg = ExternalProcess.Start("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", .. SineSource, "-f", "s16be", "-"]);
        var (code, pcm, stderr) = await ffmpeg.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(code == 0, stderr);
        return pcm;
    }

    private static int FindPacketAlignedOffset(byte[] sent, byte[] decoded, int packetBytes)
    {
        for (var offset = 0; offset + decoded.Length <= sent.Length; offset += packetBytes)
            if (sent.AsSpan(offset, decoded.Length).SequenceEqual(decoded))
                return offset;
        return -1;
    }

    /// <summary>An even port whose neighbour (ffmpeg's RTCP port) is free too.</summary>
    private static int FreeUdpPortPair()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            int port;
            using (var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
                port = ((IPEndPoint)probe.Client.LocalEndPoint!).Port & ~1;
            try
            {
                using var a = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
                using var b = new UdpClient(new IPEndPoint(IPAddress.Loopback, port + 1));
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("No free UDP port pair on 127.0.0.1.");
    }

    /// <summary>Waits until some process has bound the UDP port (ffmpeg is listening) by reading /proc/net/udp.</summary>
    private static async Task WaitUntilBoundAsync(int port, TimeSpan timeout)
    {
        var hex = ":" + port.ToString("X4", CultureInfo.InvariantCulture) + " ";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            var table = await File.ReadAllTextAsync("/proc/net/udp");
            if (table.Split('\n').Any(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var local, ..] && (local + " ").EndsWith(hex, StringComparison.Ordinal)))
                return;
            await Task.Delay(20);
        }
        throw new TimeoutException($"ffmpeg did not bind UDP port {port} within {timeout.TotalSeconds} s.");
    }
}
