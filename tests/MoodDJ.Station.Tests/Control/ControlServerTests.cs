using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MoodDJ.Abstractions.Crypto;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Protocol;
using MoodDJ.Station;
using static MoodDJ.Station.Tests.Control.ControlTestKit;

namespace MoodDJ.Station.Tests.Control;

public sealed class ControlServerTests
{
    [Fact]
    public async Task Two_hundred_clients_at_once_each_get_their_own_replies()
    {
        var handler = new EchoHandler();
        await using var server = await StartServerAsync(Aead(), handler);
        var clients = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => ConnectAsync(server, Aead())));
        try
        {
            var replies = await Task.WhenAll(clients.Select((c, i) => CallAsync(c, 1, "echo", new { who = i })));
            for (var i = 0; i < replies.Length; i++)
                Assert.Equal(i, replies[i].GetProperty("result").GetProperty("who").GetInt32());
            Assert.Equal(200, server.Stats.Sessions);
            Assert.Equal(0, server.Stats.TotalDropped);
        }
        finally
        {
            foreach (var c in clients) await c.DisposeAsync();
        }
        await EventuallyAsync(() => server.Stats.Active == 0, "every session closed");
        Assert.Equal(200, server.Stats.ClosedByPeer);
        Assert.Equal(200, handler.ClosedCount);
    }

    [Fact]
    public async Task Messages_of_several_MiB_are_split_and_reassembled_intact_both_ways()
    {
        await using var server = await StartServerAsync(Aead());
        await using var client = await ConnectAsync(server, Aead());

        var random = new Random(42);
        var payload = new char[5 * 1024 * 1024];
        for (var i = 0; i < payload.Length; i++) payload[i] = (char)('a' + random.Next(26));
        var text = new string(payload);
        var reply = await CallAsync(client, 1, "echo", new { text });
        Assert.Equal(text, reply.GetProperty("result").GetProperty("text").GetString());

        var blob = await CallAsync(client, 2, "blob", new { size = 3 * 1024 * 1024 });
        Assert.Equal(3 * 1024 * 1024, blob.GetProperty("result").GetProperty("data").GetString()!.Length);
        Assert.Equal(0, server.Stats.TotalDropped);
    }

    [Fact]
    public async Task Ping_is_answered_by_the_server_and_keeps_an_idle_session_alive()
    {
        await using var server = await StartServerAsync(None(), options: Options(o => o with { IdleTimeout = TimeSpan.FromMilliseconds(1500) }));
        await using var pinging = await ConnectAsync(server, None());
        await using var silent = await ConnectAsync(server, None());

        var stopwatch = Stopwatch.StartNew();
        var id = 0;
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(4))
        {
            var pong = await CallAsync(pinging, ++id, StationMethods.Ping);
            Assert.Equal(JsonValueKind.Object, pong.GetProperty("result").ValueKind);
            await Task.Delay(300);
        }
        Assert.True(await IsClosedByPeerAsync(silent));
        Assert.Equal(1, server.Stats.Dropped(ControlDropReason.IdleTimeout));
        // The pinging client is still served.
        Assert.Equal("still", (await CallAsync(pinging, ++id, "echo", new { v = "still" })).GetProperty("result").GetProperty("v").GetString());
    }

    [Fact]
    public async Task A_stalled_reader_is_dropped_and_others_round_trips_stay_normal()
    {
        var options = Options(o => o with { SendQueueMessages = 64 });
        await using var server = await StartServerAsync(Aead(), options: options);
        await using var healthy = await ConnectAsync(server, Aead());
        await using var stalled = await ConnectAsync(server, Aead());

        // The stalled client asks for far more notifications than the socket buffers and queue hold, and never reads.
        using (var request = JsonRpcWriter.Request(1, "notify", new { count = 5000, size = 4096 }))
            await stalled.SendMessageAsync(request.Memory);

        await EventuallyAsync(() => server.Stats.Dropped(ControlDropReason.SendQueueOverflow) == 1, "the stalled client is dropped");
        var timings = new List<TimeSpan>();
        for (var i = 1; i <= 20; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            var reply = await CallAsync(healthy, i, "echo", new { i });
            timings.Add(stopwatch.Elapsed);
            Assert.Equal(i, reply.GetProperty("result").GetProperty("i").GetInt32());
        }
        timings.Sort();
        // Generous: the median round trip on a loaded machine is well under a second.
        Assert.True(timings[timings.Count / 2] < TimeSpan.FromSeconds(1), $"median round trip {timings[timings.Count / 2]}");
        await EventuallyAsync(() => server.Sessions.Count == 1, "only the healthy session is left");
        Assert.Contains(server.Stats.RecentDrops, d => d.Contains("not reading"));
    }

    [Fact]
    public async Task An_oversized_frame_drops_only_the_offender()
    {
        await using var server = await StartServerAsync(None());
        await using var bystander = await ConnectAsync(server, None());
        using var offender = await RawNoneClientAsync(server);

        // A header claiming a frame far beyond MaxFrameBytes.
        await offender.SendAsync(BigEndian(uint.MaxValue));
        Assert.True(await IsSocketClosedByPeerAsync(offender));
        await EventuallyAsync(() => server.Stats.Dropped(ControlDropReason.FrameProtocol) == 1, "the offender is counted");
        await AssertStillServedAsync(bystander);
    }

    [Fact]
    public async Task A_message_over_the_size_cap_drops_only_the_offender()
    {
        var options = Options(o => o with { Messages = new MessageLimits { MaxMessageBytes = 100_000, MaxReassemblyBytes = 200_000 } });
        await using var server = await StartServerAsync(Aead(), options: options);
        await using var bystander = await ConnectAsync(server, Aead());
        // The offender's own limits let it send a message larger than the server accepts.
        await using var offender = await ConnectAsync(server, Aead(), messages: MessageLimits.Default);

        try
        {
            await offender.SendMessageAsync(new byte[150_000]);
        }
        catch (IOException)
        {
            // The server may drop it after the first part, before the rest is sent.
        }
        Assert.True(await IsClosedByPeerAsync(offender));
        await EventuallyAsync(() => server.Stats.Dropped(ControlDropReason.MessageProtocol) == 1, "the offender is counted");
        Assert.Contains(server.Stats.RecentDrops, d => d.Contains("over the limit of 100000"));
        await AssertStillServedAsync(bystander);
    }

    [Fact]
    public async Task Too_many_partial_messages_drop_only_the_offender()
    {
        await using var server = await StartServerAsync(Aead());
        await using var bystander = await ConnectAsync(server, Aead());
        await using var offender = await ConnectAsync(server, Aead());

        // First parts of five messages, none finished (the default allows four in flight).
        for (uint id = 1; id <= 5; id++)
            await SendSealedAsync(offender, Part(id, 1000, 0, last: false, new byte[10]));
        Assert.True(await IsClosedByPeerAsync(offender));
        await EventuallyAsync(() => server.Stats.Dropped(ControlDropReason.MessageProtocol) == 1, "the offender is counted");
        Assert.Contains(server.Stats.RecentDrops, d => d.Contains("more than 4 partial messages"));
        await AssertStillServedAsync(bystander);
    }

    [Fact]
    public async Task Garbage_frames_after_the_handshake_are_dropped_as_unauthenticated()
    {
        await using var server = await StartServerAsync(Aead());
        await using var bystander = await ConnectAsync(server, Aead());
        await using var offender = await ConnectAsync(server, Aead());

        await offender.Connection.SendFrameAsync(Encoding.UTF8.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        Assert.True(await IsClosedByPeerAsync(offender));
        await EventuallyAsync(() => server.Stats.Dropped(ControlDropReason.Authentication) == 1, "the offender is counted");
        await AssertStillServedAsync(bystander);
    }

    [Fact]
    public async Task Garbage_instead_of_a_handshake_is_dropped_as_a_failed_handshake()
    {
        await using var server = await StartServerAsync(Aead());
        using var raw = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await raw.ConnectAsync(server.LocalEndPoint);
        var junk = new byte[64];
        new Random(1).NextBytes(junk);
        BinaryPrimitives.WriteUInt32BigEndian(junk, 60);
        await raw.SendAsync(junk);
        await EventuallyAsync(() => server.Stats.Dropped(ControlDropReason.HandshakeFailed) == 1, "the handshake failure is counted");
        await using var bystander = await ConnectAsync(server, Aead());
        await AssertStillServedAsync(bystander);
    }

    [Fact]
    public async Task A_truncated_frame_is_dropped_as_a_framing_error()
    {
        await using var server = await StartServerAsync(None());
        using (var offender = await RawNoneClientAsync(server))
        {
            await offender.SendAsync(new byte[] { 0, 0, 0, 50, 1, 2, 3 });
            offender.Shutdown(SocketShutdown.Send);
            await EventuallyAsync(() => server.Stats.Dropped(ControlDropReason.FrameProtocol) == 1, "the truncated frame is counted");
            Assert.Contains(server.Stats.RecentDrops, d => d.Contains("3 of 50 bytes"));
        }
        await using var bystander = await ConnectAsync(server, None());
        await AssertStillServedAsync(bystander);
    }

    [Fact]
    public async Task A_replayed_sealed_frame_is_dropped()
    {
        await using var server = await StartServerAsync(Aead());
        await using var offender = await ConnectAsync(server, Aead());

        var plain = Part(1, 2, 0, last: true, "{}"u8);
        var sealedFrame = new byte[plain.Length + offender.Secure.Overhead];
        var n = offender.Secure.Seal(plain, sealedFrame);
        await offender.Connection.SendFrameAsync(sealedFrame.AsMemory(0, n));
        await offender.Connection.SendFrameAsync(sealedFrame.AsMemory(0, n));
        Assert.True(await IsClosedByPeerAsync(offender));
        await EventuallyAsync(() => server.Stats.Dropped(ControlDropReason.Authentication) == 1, "the replay is counted");
    }

    [Fact]
    public async Task A_replayed_message_is_dropped_even_without_crypto()
    {
        await using var server = await StartServerAsync(None());
        await using var offender = await ConnectAsync(server, None());
        var frame = Part(1, 2, 0, last: true, "{}"u8);
        await offender.Connection.SendFrameAsync(frame);
        await offender.Connection.SendFrameAsync(frame);
        Assert.True(await IsClosedByPeerAsync(offender));
        await EventuallyAsync(() => server.Stats.Dropped(ControlDropReason.MessageProtocol) == 1, "the replay is counted");
        Assert.Contains(server.Stats.RecentDrops, d => d.Contains("replayed"));
    }

    [Fact]
    public async Task A_client_with_the_wrong_key_fails_the_handshake_on_both_ends()
    {
        await using var server = await StartServerAsync(Aead());
        var error = await Assert.ThrowsAnyAsync<CryptoHandshakeException>(() => ConnectAsync(server, Aead(OtherKey)));
        Assert.Contains("key", error.Message, StringComparison.OrdinalIgnoreCase);
        await EventuallyAsync(() => server.Stats.Dropped(ControlDropReason.HandshakeFailed) == 1, "the server counts it");
        Assert.Equal(0, server.Stats.Sessions);
    }

    [Fact]
    public async Task A_handshake_that_never_finishes_is_dropped_after_the_timeout()
    {
        await using var server = await StartServerAsync(Aead(), options: Options(o => o with { HandshakeTimeout = TimeSpan.FromMilliseconds(500) }));
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await silent.ConnectAsync(server.LocalEndPoint);
        await EventuallyAsync(() => server.Stats.Dropped(ControlDropReason.HandshakeTimeout) == 1, "the silent connection times out");
        using var timeout = new CancellationTokenSource(Patience);
        Assert.Equal(0, await silent.ReceiveAsync(new byte[8], SocketFlags.None, timeout.Token));
        await EventuallyAsync(() => server.Stats.Active == 0, "its slot is free again");
    }

    [Fact]
    public async Task A_flood_beyond_max_connections_is_refused_with_a_JSON_RPC_error_and_counted()
    {
        var options = Options(o => o with { MaxConnections = 5 });
        await using var server = await StartServerAsync(Aead(), options: options);
        var admitted = new List<SecureMessageChannel>();
        for (var i = 0; i < 5; i++) admitted.Add(await ConnectAsync(server, Aead()));
        try
        {
            var flood = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
            {
                try
                {
                    await using var c = await ConnectAsync(server, Aead());
                    return null;
                }
                catch (Exception e)
                {
                    return e;
                }
            }));
            Assert.All(flood, e =>
            {
                var refused = Assert.IsType<ControlRefusedException>(e);
                Assert.Equal(JsonRpcErrorCodes.ServerFull, refused.Code);
                Assert.Contains("Server full", refused.Message);
            });
            Assert.Equal(20, server.Stats.Dropped(ControlDropReason.ServerFull));
            foreach (var c in admitted) await AssertStillServedAsync(c);
        }
        finally
        {
            foreach (var c in admitted) await c.DisposeAsync();
        }
        // Room again once the others left.
        await EventuallyAsync(() => server.Stats.Active == 0, "the admitted clients left");
        await using var later = await ConnectAsync(server, Aead());
        await AssertStillServedAsync(later);
    }

    [Fact]
    public async Task Bad_JSON_and_unknown_methods_get_JSON_RPC_errors_and_the_session_stays()
    {
        await using var server = await StartServerAsync(Aead());
        await using var client = await ConnectAsync(server, Aead());

        await client.SendMessageAsync(Encoding.UTF8.GetBytes("{oops"));
        using (var reply = (await client.ReceiveMessageAsync())!)
        using (var doc = JsonDocument.Parse(reply.Memory))
        {
            Assert.Equal(JsonRpcErrorCodes.ParseError, doc.RootElement.GetProperty("error").GetProperty("code").GetInt32());
            Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("id").ValueKind);
        }
        var unknown = await CallAsync(client, 2, "noSuchMethod");
        Assert.Equal(JsonRpcErrorCodes.MethodNotFound, unknown.GetProperty("error").GetProperty("code").GetInt32());
        var failed = await CallAsync(client, 3, "fail");
        Assert.Equal(JsonRpcErrorCodes.InternalError, failed.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("on purpose", failed.GetProperty("error").GetProperty("message").GetString());
        var rejected = await CallAsync(client, 4, "reject");
        Assert.Equal(JsonRpcErrorCodes.InvalidState, rejected.GetProperty("error").GetProperty("code").GetInt32());
        await AssertStillServedAsync(client);
        Assert.Equal(1, server.Stats.InvalidMessages);
        Assert.Equal(0, server.Stats.TotalDropped);
    }

    [Fact]
    public async Task Sessions_expose_their_keys_and_broadcast_reaches_everyone()
    {
        await using var server = await StartServerAsync(Aead());
        await using var a = await ConnectAsync(server, Aead());
        await using var b = await ConnectAsync(server, Aead());
        var info = await CallAsync(a, 1, "session");
        Assert.True(info.GetProperty("result").GetProperty("encrypted").GetBoolean());
        await EventuallyAsync(() => server.Sessions.Count == 2, "both sessions are open");
        Assert.Equal(2, server.Broadcast("listeners", new { count = 2 }));
        foreach (var c in new[] { a, b })
        {
            using var note = (await c.ReceiveMessageAsync())!;
            using var doc = JsonDocument.Parse(note.Memory);
            Assert.Equal("listeners", doc.RootElement.GetProperty("method").GetString());
            Assert.Equal(2, doc.RootElement.GetProperty("params").GetProperty("count").GetInt32());
        }
    }

    [Fact]
    public async Task Stopping_the_server_closes_every_session()
    {
        var server = await StartServerAsync(Aead());
        await using var client = await ConnectAsync(server, Aead());
        await AssertStillServedAsync(client);
        await server.DisposeAsync();
        Assert.True(await IsClosedByPeerAsync(client));
        Assert.Equal(1, server.Stats.Dropped(ControlDropReason.ServerStopping));
    }

    [Fact]
    public async Task The_documented_ping_test_vector_round_trips_byte_for_byte()
    {
        await using var server = await StartServerAsync(None());
        using var raw = await RawNoneClientAsync(server);
        await raw.SendAsync(Convert.FromHexString(
            "00000034" + "00000001" + "00000028" + "0000" + "01" + "00" +
            "7b226a736f6e727063223a22322e30222c226964223a312c226d6574686f64223a2270696e67227d"));
        var expected = Convert.FromHexString(
            "00000030" + "00000001" + "00000024" + "0000" + "01" + "00" +
            "7b226a736f6e727063223a22322e30222c226964223a312c22726573756c74223a7b7d7d");
        var reply = new byte[expected.Length];
        var got = 0;
        using var timeout = new CancellationTokenSource(Patience);
        while (got < reply.Length)
        {
            var n = await raw.ReceiveAsync(reply.AsMemory(got), SocketFlags.None, timeout.Token);
            Assert.NotEqual(0, n);
            got += n;
        }
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(reply));
    }

    private static async Task AssertStillServedAsync(SecureMessageChannel channel)
    {
        var reply = await CallAsync(channel, Random.Shared.NextInt64(1_000_000, long.MaxValue), "echo", new { alive = true });
        Assert.True(reply.GetProperty("result").GetProperty("alive").GetBoolean());
    }

    private static byte[] Part(uint id, uint total, ushort index, bool last, ReadOnlySpan<byte> chunk)
    {
        var frame = new byte[SplitHeader.Size + chunk.Length];
        new SplitHeader(id, total, index, last).Write(frame);
        chunk.CopyTo(frame.AsSpan(SplitHeader.Size));
        return frame;
    }

    private static async Task SendSealedAsync(SecureMessageChannel channel, byte[] plain)
    {
        var sealedFrame = new byte[plain.Length + channel.Secure.Overhead];
        var n = channel.Secure.Seal(plain, sealedFrame);
        await channel.Connection.SendFrameAsync(sealedFrame.AsMemory(0, n));
    }

    private static byte[] BigEndian(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    /// <summary>
    /// A raw socket that has done the "none" handshake by hand (one frame "MDJN" 0x01 each way), so a
    /// test can then write bytes that break the framing on purpose.
    /// </summary>
    private static async Task<Socket> RawNoneClientAsync(ControlServer server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.LocalEndPoint);
        await socket.SendAsync(new byte[] { 0, 0, 0, 5, (byte)'M', (byte)'D', (byte)'J', (byte)'N', 1 });
        var hello = new byte[9];
        var got = 0;
        using var timeout = new CancellationTokenSource(Patience);
        while (got < hello.Length)
        {
            var n = await socket.ReceiveAsync(hello.AsMemory(got), SocketFlags.None, timeout.Token);
            if (n == 0) throw new IOException("closed during the handshake");
            got += n;
        }
        Assert.Equal(new byte[] { 0, 0, 0, 5, (byte)'M', (byte)'D', (byte)'J', (byte)'N', 1 }, hello);
        return socket;
    }

    private static async Task<bool> IsSocketClosedByPeerAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            var buffer = new byte[4096];
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0) { }
            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
