using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MoodDJ.Protocol;
using MoodDJ.Station;
using MoodDJ.Media.Srtp;
using MoodDJ.Client;
using MoodDJ.Protocol.Messages;
using MoodDJ.Media;
using MoodDJ.Station.Tests.Station.Support;

namespace MoodDJ.Station.Tests.Station;

/// <summary>The station's control methods and subscriptions, over real sockets with the real plugins.</summary>
public sealed class StationControlTests
{
    private static Socket Receiver()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 1 << 20, ReceiveTimeout = 10_000 };
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static int PortOf(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

    [Fact]
    public async Task A_taken_stream_port_names_the_setting_to_change()
    {
        using var holder = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var taken = ((IPEndPoint)holder.LocalEndPoint!).Port;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            StationHarness.StartAsync("none", s => s["station:streamPort"] = taken.ToString()));
        Assert.Contains("station:streamPort", error.Message);
        Assert.Contains("free port", error.Message);
        Assert.IsType<MoodDJ.Abstractions.Transport.AddressInUseException>(error.InnerException);
    }

    [Fact]
    public async Task Subscribe_before_hello_is_refused_as_unauthorized()
    {
        await using var harness = await StationHarness.StartAsync();
        await using var client = await StationTestClient.ConnectAsync(harness);
        using var receiver = Receiver();
        var error = await Assert.ThrowsAsync<JsonRpcException>(() => client.CallAsync(StationMethods.Subscribe, new SubscribeParams(PortOf(receiver))));
        Assert.Equal(JsonRpcErrorCodes.Unauthorized, error.Code);
        Assert.Contains("hello", error.Message);
        Assert.Equal(0, harness.Station.Listeners.Count);
    }

    [Fact]
    public async Task A_subscriber_gets_srtp_it_can_decrypt_with_its_own_keys_and_a_stranger_cannot()
    {
        await using var harness = await StationHarness.StartAsync();
        await using var client = await StationTestClient.ConnectAsync(harness);
        await using var stranger = await StationTestClient.ConnectAsync(harness);
        var hello = await client.CallAsync(StationMethods.Hello, new HelloParams("test"));
        Assert.True(hello.GetProperty("encrypted").GetBoolean());
        await stranger.CallAsync(StationMethods.Hello, new HelloParams("stranger"));

        using var receiver = Receiver();
        var reply = await client.CallAsync(StationMethods.Subscribe, new SubscribeParams(PortOf(receiver)));
        var sdp = SdpDescription.Parse(reply.GetProperty("sdp").GetString()!);
        Assert.Equal(PortOf(receiver), sdp.Port);
        Assert.Equal("opus", sdp.EncodingName);   // the default codec
        Assert.NotNull(sdp.Crypto);
        var mine = SrtpKeys.Derive(client.Secure);
        Assert.Equal(mine.ToInlineBase64(), sdp.Crypto!.InlineKey);
        Assert.Equal("inline:" + mine.ToInlineBase64(), reply.GetProperty("srtp").GetProperty("keyParams").GetString());
        Assert.NotEqual(mine.ToInlineBase64(), SrtpKeys.Derive(stranger.Secure).ToInlineBase64());

        using var decrypt = SrtpContext.Create(mine);
        using var strangerKeys = SrtpContext.Create(SrtpKeys.Derive(stranger.Secure));
        var buffer = new byte[2048];
        var copy = new byte[2048];
        for (var i = 0; i < 20; i++)
        {
            var n = receiver.Receive(buffer);
            if (RtcpPacket.IsRtcp(buffer.AsSpan(0, n)))
            {
                i--;   // an SRTCP sender report (a newcomer gets one at once): not what this test decrypts
                continue;
            }
            buffer.AsSpan(0, n).CopyTo(copy);
            Assert.False(strangerKeys.TryUnprotect(copy, n, out _));
            Assert.True(decrypt.TryUnprotect(buffer, n, out var rtpLength));
            Assert.True(RtpHeader.TryParse(buffer.AsSpan(0, rtpLength), out var header));
            Assert.Equal(reply.GetProperty("ssrc").GetUInt32(), header.Ssrc);
            Assert.Equal(reply.GetProperty("payloadType").GetInt32(), header.PayloadType);
            Assert.InRange(header.PayloadLength, 1, 1200);   // one 20 ms Opus frame
        }
    }

    [Fact]
    public async Task A_listener_at_another_address_is_refused()
    {
        await using var harness = await StationHarness.StartAsync();
        await using var client = await StationTestClient.ConnectAsync(harness);
        await client.CallAsync(StationMethods.Hello, new HelloParams("test"));
        var error = await Assert.ThrowsAsync<JsonRpcException>(() => client.CallAsync(StationMethods.Subscribe, new SubscribeParams(40000, "192.0.2.7")));
        Assert.Equal(JsonRpcErrorCodes.Unauthorized, error.Code);
        var bad = await Assert.ThrowsAsync<JsonRpcException>(() => client.CallAsync(StationMethods.Subscribe, new SubscribeParams(70000)));
        Assert.Equal(JsonRpcErrorCodes.InvalidParams, bad.Code);
    }

    [Fact]
    public async Task The_listener_limit_refuses_one_too_many_with_a_reason()
    {
        await using var harness = await StationHarness.StartAsync("none", s => s["station:maxListeners"] = "2");
        await using var client = await StationTestClient.ConnectAsync(harness);
        await client.CallAsync(StationMethods.Hello, new HelloParams("test"));
        using var a = Receiver();
        using var b = Receiver();
        using var c = Receiver();
        await client.CallAsync(StationMethods.Subscribe, new SubscribeParams(PortOf(a)));
        await client.CallAsync(StationMethods.Subscribe, new SubscribeParams(PortOf(b)));
        var error = await Assert.ThrowsAsync<JsonRpcException>(() => client.CallAsync(StationMethods.Subscribe, new SubscribeParams(PortOf(c))));
        Assert.Equal(JsonRpcErrorCodes.ServerFull, error.Code);
        Assert.Contains("maxListeners", error.Message);
        Assert.Equal(2, harness.Station.Listeners.Count);
    }

    [Fact]
    public async Task A_silent_listener_expires_and_clients_hear_the_new_count()
    {
        await using var harness = await StationHarness.StartAsync("none", s =>
        {
            s["station:heartbeatIntervalSeconds"] = "0.2";
            s["station:listenerExpirySeconds"] = "1";
        });
        await using var client = await StationTestClient.ConnectAsync(harness);
        await client.CallAsync(StationMethods.Hello, new HelloParams("test"));
        using var kept = Receiver();
        using var silent = Receiver();
        var keptReply = await client.CallAsync(StationMethods.Subscribe, new SubscribeParams(PortOf(kept)));
        // The kept listener beats from the moment it subscribes: on a loaded machine the steps below
        // can take longer than the 1 s expiry, and the kept listener must never be the one that lapses.
        HeartbeatDatagram.TryParseToken(keptReply.GetProperty("token").GetString(), out var token);
        using var heartbeats = new HeartbeatClient(harness.Engine.StreamTransport, harness.Station.HeartbeatEndPoint, token,
            TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30));
        using var stop = new CancellationTokenSource();
        var beating = heartbeats.RunAsync(stop.Token);
        await client.CallAsync(StationMethods.Subscribe, new SubscribeParams(PortOf(silent)));
        await client.NextEventAsync(StationMethods.ListenerCount, e => e.GetProperty("count").GetInt32() == 2);

        var count = await client.NextEventAsync(StationMethods.ListenerCount, e => e.GetProperty("count").GetInt32() == 1);
        Assert.Equal(1, harness.Station.Listeners.Count);
        Assert.Equal(PortOf(kept), harness.Station.Listeners.Snapshot[0].EndPoint.Port);
        Assert.True(harness.Station.Listeners.ExpiredCount >= 1);

        // The kept listener still receives the stream.
        var buffer = new byte[2048];
        Assert.True(kept.Receive(buffer) > RtpHeader.FixedLength);
        stop.Cancel();
        Assert.Equal(SubscriptionLoss.Stopped, await beating);
    }

    [Fact]
    public async Task Udp_junk_on_the_stream_and_heartbeat_ports_is_counted_and_dropped_while_the_stream_goes_on()
    {
        await using var harness = await StationHarness.StartAsync("none");
        await using var client = await StationTestClient.ConnectAsync(harness);
        await client.CallAsync(StationMethods.Hello, new HelloParams("test"));
        using var receiver = Receiver();
        await client.CallAsync(StationMethods.Subscribe, new SubscribeParams(PortOf(receiver)));

        using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var random = new Random(3);
        for (var i = 0; i < 200; i++)
        {
            var junk = new byte[random.Next(0, 1400)];
            random.NextBytes(junk);
            attacker.SendTo(junk, harness.Station.StreamEndPoint);
            attacker.SendTo(junk, harness.Station.HeartbeatEndPoint);
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((harness.Station.Counters.HeartbeatJunk < 200 || harness.Station.Counters.StreamPortDatagrams < 200) && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.Equal(200, harness.Station.Counters.HeartbeatJunk);
        Assert.Equal(200, harness.Station.Counters.StreamPortDatagrams);
        Assert.Equal(0, harness.Station.Counters.Heartbeats);

        var buffer = new byte[2048];
        for (var i = 0; i < 10; i++)
            Assert.True(receiver.Receive(buffer) > RtpHeader.FixedLength);
        var status = await client.CallAsync(StationMethods.Status);
        Assert.Equal(200, status.GetProperty("counters").GetProperty("heartbeatJunk").GetInt64());
    }

    [Fact]
    public async Task Bad_parameters_get_clear_errors_and_unknown_methods_are_reported()
    {
        await using var harness = await StationHarness.StartAsync("none");
        await using var client = await StationTestClient.ConnectAsync(harness);
        await client.CallAsync(StationMethods.Hello, new HelloParams("test"));
        var missing = await Assert.ThrowsAsync<JsonRpcException>(() => client.CallAsync(StationMethods.Prompt, new { }));
        Assert.Equal(JsonRpcErrorCodes.InvalidParams, missing.Code);
        Assert.Contains("text", missing.Message);
        var huge = await Assert.ThrowsAsync<JsonRpcException>(() => client.CallAsync(StationMethods.Prompt, new PromptParams(new string('a', 5000))));
        Assert.Contains("limit", huge.Message);
        var seek = await Assert.ThrowsAsync<JsonRpcException>(() => client.CallAsync(StationMethods.Seek, new SeekParams(-3)));
        Assert.Equal(JsonRpcErrorCodes.InvalidParams, seek.Code);
        var unknown = await Assert.ThrowsAsync<JsonRpcException>(() => client.CallAsync("dance"));
        Assert.Equal(JsonRpcErrorCodes.MethodNotFound, unknown.Code);
        var resume = await Assert.ThrowsAsync<JsonRpcException>(() => client.CallAsync(StationMethods.Resume));
        Assert.Equal(JsonRpcErrorCodes.InvalidState, resume.Code);
        // The session survives every error.
        Assert.Equal("idle", (await client.CallAsync(StationMethods.Status)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Hello_with_a_resume_token_resumes_the_same_identity()
    {
        await using var harness = await StationHarness.StartAsync("none");
        string token;
        await using (var first = await StationTestClient.ConnectAsync(harness))
        {
            var hello = await first.CallAsync(StationMethods.Hello, new HelloParams("kitchen"));
            Assert.False(hello.GetProperty("resumed").GetBoolean());
            token = hello.GetProperty("resumeToken").GetString()!;
        }
        await using var second = await StationTestClient.ConnectAsync(harness);
        var again = await second.CallAsync(StationMethods.Hello, new HelloParams("other", token));
        Assert.True(again.GetProperty("resumed").GetBoolean());
        Assert.Equal(token, again.GetProperty("resumeToken").GetString());
    }
}
