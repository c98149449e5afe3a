using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MoodDJ.Media;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Station.Rtsp;
using MoodDJ.Station.Tests.Station.Support;
using Xunit.Abstractions;

namespace MoodDJ.Station.Tests.Station;

/// <summary>RTSP (RFC 2326) for players that already exist: ffmpeg's RTSP client over UDP and TCP, and what a bad client sends.</summary>
public sealed class RtspTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task Ffmpeg_plays_the_station_over_rtsp_and_decodes_exactly_what_was_sent(string transport)
    {
        // L16, so what ffmpeg decodes can be compared sample for sample with the packets the station sent.
        await using var harness = await StationHarness.StartAsync("aead", s => s["use:codec"] = "pcm");
        await using var rtsp = StartRtsp(harness);
        await using var client = await StationTestClient.ConnectAsync(harness);
        await client.CallAsync(StationMethods.Hello, new HelloParams("rtsp minder"));
        await client.CallAsync(StationMethods.Prompt, new PromptParams("I feel happy and excited"));

        // A reference player on the same station over RTSP/UDP: the plain packets the station sent.
        using var reference = await RtspUdpPlayer.StartAsync(rtsp.EndPoint, rtsp.UrlFor("default"));
        // It collects until ffmpeg is done (and a second more), not for a fixed time: on a loaded machine
        // ffmpeg can take seconds to start, and its last blocks must still have a reference to match.
        using var ffmpegDone = new CancellationTokenSource();
        var collecting = Task.Run(() => reference.Collect(TimeSpan.FromSeconds(90), ffmpegDone.Token));
        var decoded = await FfmpegDecodeAsync(rtsp.UrlFor("default"), transport, channels: 1, rate: 44100);
        ffmpegDone.CancelAfter(TimeSpan.FromSeconds(1));
        Assert.True(decoded.Length >= 44100 * 2 * 2, $"ffmpeg decoded only {decoded.Length} bytes");
        var (sent, ssrc) = await collecting;
        Assert.Equal(harness.Station.Ssrc, ssrc);
        var ratio = AudioCompare.MatchingBlocks(AudioCompare.FromS16le(decoded), sent, 441, out var offset);
        output.WriteLine($"{transport}: {ratio:P1} of ffmpeg's 10 ms blocks match the station's packets (offset {offset})");
        Assert.True(ratio >= 0.95, $"only {ratio:P1} of ffmpeg's blocks match what the station sent");
        // ffmpeg's session ended with it (TEARDOWN or its connection closing); the reference's goes on.
        await Until(() => rtsp.Sessions == 1, "ffmpeg's session to end");
    }

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task Ffmpeg_plays_the_default_opus_stream_over_rtsp(string transport)
    {
        await using var harness = await StationHarness.StartAsync("aead");
        await using var rtsp = StartRtsp(harness);
        await using var client = await StationTestClient.ConnectAsync(harness);
        await client.CallAsync(StationMethods.Hello, new HelloParams("rtsp minder"));
        await client.CallAsync(StationMethods.Prompt, new PromptParams("I feel happy and excited"));
        using (var describe = await RtspTestClient.ConnectAsync(rtsp.EndPoint))
        {
            var sdp = SdpDescription.Parse((await describe.SendAsync("DESCRIBE", rtsp.UrlFor("default"))).Body);
            Assert.Equal(("opus", 48000, 2), (sdp.EncodingName.ToLowerInvariant(), sdp.ClockRate, sdp.Channels));
        }

        var audio = AudioCompare.FromS16le(await FfmpegDecodeAsync(rtsp.UrlFor("default"), transport, channels: 2, rate: 48000));
        Assert.True(audio.Length >= 48000 * 2 * 2, $"ffmpeg decoded only {audio.Length} samples");
        var rms = Math.Sqrt(audio.Average(x => (double)x * x));
        output.WriteLine($"{transport}: {audio.Length / 2 / 48000.0:0.00} s of Opus decoded by ffmpeg, RMS {rms:0.000}");
        Assert.True(rms > 0.01, $"ffmpeg decoded near silence (RMS {rms:0.0000})");
    }

    [Fact]
    public async Task Pause_stops_the_packets_and_play_resumes_them_live()
    {
        await using var harness = await StationHarness.StartAsync("aead");
        await using var rtsp = StartRtsp(harness);
        using var player = await RtspUdpPlayer.StartAsync(rtsp.EndPoint, rtsp.UrlFor("default"));
        Assert.True(player.Receive(TimeSpan.FromSeconds(10)) > 0, "packets arrive while playing");

        var paused = await player.Control.SendAsync("PAUSE", rtsp.UrlFor("default"), $"Session: {player.Session}");
        Assert.Equal(200, paused.Status);
        player.Drain(TimeSpan.FromMilliseconds(300));
        Assert.Equal(0, player.Receive(TimeSpan.FromSeconds(1)));

        var resumed = await player.Control.SendAsync("PLAY", rtsp.UrlFor("default"), $"Session: {player.Session}", "Range: npt=now-");
        Assert.Equal(200, resumed.Status);
        Assert.True(player.Receive(TimeSpan.FromSeconds(10)) > 0, "packets arrive again after PLAY");

        var torn = await player.Control.SendAsync("TEARDOWN", rtsp.UrlFor("default"), $"Session: {player.Session}");
        Assert.Equal(200, torn.Status);
        Assert.Equal(0, rtsp.Sessions);
        var gone = await player.Control.SendAsync("PLAY", rtsp.UrlFor("default"), $"Session: {player.Session}");
        Assert.Equal(454, gone.Status);
    }

    [Fact]
    public async Task Bad_requests_get_a_status_naming_what_was_wrong_and_the_server_goes_on()
    {
        await using var harness = await StationHarness.StartAsync("aead");
        await using var rtsp = StartRtsp(harness, new RtspOptions { Port = 0, MaxRequestBytes = 1024 });
        var url = rtsp.UrlFor("default");

        using (var client = await RtspTestClient.ConnectAsync(rtsp.EndPoint))
        {
            await Expect(client.SendAsync("DESCRIBE", rtsp.UrlFor("nosuch")), 404, "default");
            await Expect(client.SendAsync("DESCRIBE", "http://example/"), 400, "rtsp://");
            await Expect(client.SendAsync("SETUP", url + "/trackID=0"), 461, "Transport");
            await Expect(client.SendAsync("SETUP", url + "/trackID=0", "Transport: RTP/AVP;multicast"), 461, "multicast");
            await Expect(client.SendAsync("SETUP", url + "/trackID=0", "Transport: RTP/SAVP;unicast;client_port=5000-5001"), 461, "RTP/SAVP");
            await Expect(client.SendAsync("SETUP", url + "/trackID=0", "Transport: RTP/AVP;unicast;client_port=70000-70001"), 461, "client_port");
            await Expect(client.SendAsync("PLAY", url), 454, "Session");
            await Expect(client.SendAsync("PLAY", url, "Session: 1' OR '1'='1"), 454, "no session");
            await Expect(client.SendAsync("RECORD", url), 405, "only sends");
            await Expect(client.SendAsync("BREW", url), 501, "BREW");
            Assert.Equal(200, (await client.SendAsync("OPTIONS", "*")).Status);   // the same connection still serves
        }
        using (var client = await RtspTestClient.ConnectAsync(rtsp.EndPoint))
        {
            await Expect(client.SendRawAsync("HELLO THERE\r\n\r\n"), 400, "request line");
            Assert.True(await client.ClosedByServerAsync(), "a request that cannot be framed ends the connection");
        }
        using (var client = await RtspTestClient.ConnectAsync(rtsp.EndPoint))
        {
            await Expect(client.SendRawAsync("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX-Pad: " + new string('a', 2000) + "\r\n\r\n"), 431, "maxRequestBytes");
        }
        using (var client = await RtspTestClient.ConnectAsync(rtsp.EndPoint))
        {
            await Expect(client.SendRawAsync("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 99999999\r\n\r\n"), 413, "Content-Length");
        }
        using (var client = await RtspTestClient.ConnectAsync(rtsp.EndPoint))
        {
            await Expect(client.SendRawAsync("OPTIONS * RTSP/1.0\r\nCSeq: x\r\n\r\n"), 400, "CSeq");
        }
        // After all that, a real player still plays.
        using var player = await RtspUdpPlayer.StartAsync(rtsp.EndPoint, url);
        Assert.True(player.Receive(TimeSpan.FromSeconds(10)) > 0);
    }

    [Fact]
    public async Task Sessions_are_limited_and_a_silent_one_expires()
    {
        await using var harness = await StationHarness.StartAsync("aead");
        await using var rtsp = StartRtsp(harness, new RtspOptions { Port = 0, MaxSessions = 1, SessionTimeoutSeconds = 5 });
        using var first = await RtspUdpPlayer.StartAsync(rtsp.EndPoint, rtsp.UrlFor("default"), sendReports: false);
        using (var second = await RtspTestClient.ConnectAsync(rtsp.EndPoint))
            await Expect(second.SendAsync("SETUP", rtsp.UrlFor("default") + "/trackID=0", "Transport: RTP/AVP;unicast;client_port=40000-40001"), 453, "maxSessions");

        // The first player sends neither requests nor RTCP: it is dropped after rtsp:sessionTimeoutSeconds.
        await Until(() => rtsp.Sessions == 0, "the silent session to expire", TimeSpan.FromSeconds(30));
        first.Drain(TimeSpan.FromMilliseconds(300));
        Assert.Equal(0, first.Receive(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Each_station_of_a_server_has_its_own_path()
    {
        await using var harness = await StationHarness.StartAsync("aead", s => s["use:codec"] = "pcm", stationIds: ["lounge", "gym"]);
        await using var rtsp = StartRtsp(harness);
        var gym = harness.Station.Router.Stations.Single(s => s.Id == "gym");
        using (var client = await RtspTestClient.ConnectAsync(rtsp.EndPoint))
        {
            var described = await client.SendAsync("DESCRIBE", rtsp.UrlFor("gym"), "Accept: application/sdp");
            Assert.Equal(200, described.Status);
            var sdp = SdpDescription.Parse(described.Body);
            Assert.Equal("L16", sdp.EncodingName);
            Assert.Contains("a=control:trackID=0", described.Body);
            Assert.Equal(rtsp.UrlFor("gym") + "/", described.Header("Content-Base"));
        }
        using var player = await RtspUdpPlayer.StartAsync(rtsp.EndPoint, rtsp.UrlFor("gym"));
        var (_, ssrc) = player.Collect(TimeSpan.FromSeconds(2));
        Assert.Equal(gym.Ssrc, ssrc);
    }

    [Fact]
    public void Rtsp_settings_are_read_from_their_section_and_checked()
    {
        var configuration = MoodDJ.Hosting.Configuration.MoodDJConfiguration.Build(null, ["--rtsp:enabled=true", "--rtsp:port=9554"]);
        var options = RtspOptions.From(configuration);
        Assert.True(options.Enabled);
        Assert.Equal(9554, options.Port);
        Assert.Equal(8554, new RtspOptions().Port);
        Assert.False(new RtspOptions().Enabled);
        var error = Assert.ThrowsAny<ArgumentException>(() => new RtspOptions { MaxSessions = 0 }.Validate());
        Assert.Contains("rtsp:maxSessions", error.Message);
    }

    [Fact]
    public void The_json_schema_lists_exactly_the_rtsp_settings()
    {
        var schema = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(MoodDJ.Testing.RepoPaths.Root, "docs", "mooddj.schema.json")))!;
        var documented = schema["properties"]!["rtsp"]!["properties"]!.AsObject().Select(p => p.Key).Order();
        var read = typeof(RtspOptions).GetProperties().Where(p => p.CanWrite).Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..]).Order();
        Assert.Equal(read, documented);
    }

    /// <summary>3 s of what ffmpeg's RTSP client plays from <paramref name="url"/>, as 16-bit little-endian PCM.</summary>
    private static async Task<byte[]> FfmpegDecodeAsync(string url, string transport, int channels, int rate)
    {
        var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg",
            ["-hide_banner", "-nostdin", "-loglevel", "error", "-rtsp_transport", transport, "-i", url, "-t", "3",
             "-f", "s16le", "-acodec", "pcm_s16le", "-ac", channels.ToString(), "-ar", rate.ToString(), "-"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stderr = ffmpeg.StandardError.ReadToEndAsync();
        using var pcm = new MemoryStream();
        await ffmpeg.StandardOutput.BaseStream.CopyToAsync(pcm).WaitAsync(TimeSpan.FromSeconds(60));
        await ffmpeg.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(ffmpeg.ExitCode == 0, "ffmpeg failed: " + await stderr);
        return pcm.ToArray();
    }

    private static RtspServer StartRtsp(StationHarness harness, RtspOptions? options = null)
    {
        var server = new RtspServer(harness.Station.Router, options ?? new RtspOptions { Port = 0 }, IPAddress.Loopback);
        server.Start();
        return server;
    }

    private static async Task Expect(Task<RtspTestClient.Reply> sending, int status, string mentioned)
    {
        var reply = await sending;
        Assert.True(reply.Status == status, $"expected {status}, got {reply.Status}: {reply.Body}");
        Assert.Contains(mentioned, reply.Body, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task Until(Func<bool> condition, string what, TimeSpan? patience = null)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < (patience ?? TimeSpan.FromSeconds(20)), $"waited too long for {what}");
            await Task.Delay(50);
        }
    }


    /// <summary>A player set up over RTSP on UDP ports of its own, playing; it can send RTCP receiver reports as players do.</summary>
    private sealed class RtspUdpPlayer : IDisposable
    {
        private readonly Socket _rtp = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 4 << 20 };
        private readonly Socket _rtcp = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        private readonly CancellationTokenSource _stop = new();

        public RtspTestClient Control { get; private set; } = null!;
        public string Session { get; private set; } = "";

        public static async Task<RtspUdpPlayer> StartAsync(IPEndPoint server, string url, bool sendReports = true)
        {
            var player = new RtspUdpPlayer();
            player._rtp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            player._rtcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            player.Control = await RtspTestClient.ConnectAsync(server);
            var setup = await player.Control.SendAsync("SETUP", url + "/trackID=0",
                $"Transport: RTP/AVP;unicast;client_port={Port(player._rtp)}-{Port(player._rtcp)}");
            Assert.True(setup.Status == 200, $"SETUP: {setup.Status} {setup.Body}");
            player.Session = setup.SessionId;
            var serverRtcp = int.Parse(setup.Header("Transport").Split("server_port=")[1].Split(';')[0].Split('-')[1], System.Globalization.CultureInfo.InvariantCulture);
            var play = await player.Control.SendAsync("PLAY", url, $"Session: {player.Session}");
            Assert.True(play.Status == 200, $"PLAY: {play.Status} {play.Body}");
            if (sendReports) _ = player.ReportAsync(new IPEndPoint(IPAddress.Loopback, serverRtcp));
            return player;
        }

        private static int Port(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

        /// <summary>An empty receiver report (RFC 3550 §6.4.2) every second, as ffmpeg sends.</summary>
        private async Task ReportAsync(IPEndPoint to)
        {
            byte[] report = [0x80, 201, 0, 1, 0, 0, 0, 1];
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    await _rtcp.SendToAsync(report, to);
                    await Task.Delay(1000, _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { }
        }

        /// <summary>RTP packets received within <paramref name="window"/>, stopping early at <paramref name="enough"/>.</summary>
        public int Receive(TimeSpan window, int enough = 10)
        {
            var count = 0;
            var buffer = new byte[2048];
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < window && count < enough)
            {
                if (!_rtp.Poll(TimeSpan.FromMilliseconds(50), SelectMode.SelectRead)) continue;
                var n = _rtp.Receive(buffer);
                if (!RtcpPacket.IsRtcp(buffer.AsSpan(0, n))) count++;
            }
            return count;
        }

        public void Drain(TimeSpan settle)
        {
            Thread.Sleep(settle);
            var buffer = new byte[2048];
            while (_rtp.Available > 0) _rtp.Receive(buffer);
        }

        /// <summary>The L16 audio of the packets received within <paramref name="length"/> (or until <paramref name="stop"/>), in sequence order, and their SSRC.</summary>
        public (float[] Audio, uint Ssrc) Collect(TimeSpan length, CancellationToken stop = default)
        {
            var frames = new SortedDictionary<int, float[]>();
            var buffer = new byte[2048];
            var watch = Stopwatch.StartNew();
            int? first = null;
            var unwrapped = 0;
            ushort last = 0;
            uint ssrc = 0;
            while (watch.Elapsed < length && !stop.IsCancellationRequested)
            {
                if (!_rtp.Poll(TimeSpan.FromMilliseconds(50), SelectMode.SelectRead)) continue;
                var n = _rtp.Receive(buffer);
                if (RtcpPacket.IsRtcp(buffer.AsSpan(0, n)) || !RtpHeader.TryParse(buffer.AsSpan(0, n), out var header)) continue;
                ssrc = header.Ssrc;
                if (first is null) { first = header.SequenceNumber; last = header.SequenceNumber; }
                unwrapped += (short)(header.SequenceNumber - last);
                last = header.SequenceNumber;
                var payload = buffer.AsSpan(header.PayloadOffset, header.PayloadLength);
                var frame = new float[payload.Length / 2];
                for (var i = 0; i < frame.Length; i++)
                    frame[i] = (short)(payload[2 * i] << 8 | payload[2 * i + 1]) / 32768f;
                frames[unwrapped] = frame;
            }
            return (frames.Values.SelectMany(f => f).ToArray(), ssrc);
        }

        public void Dispose()
        {
            _stop.Cancel();
            Control.Dispose();
            _rtp.Dispose();
            _rtcp.Dispose();
        }
    }
}
