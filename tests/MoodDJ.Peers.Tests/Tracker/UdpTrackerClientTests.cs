using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using MoodDJ.Peers.Tracker;
using static MoodDJ.Peers.Tests.Tracker.TrackerFixtures;

namespace MoodDJ.Peers.Tests.Tracker;

/// <summary>The client against a scripted tracker that answers wrongly on purpose.</summary>
public sealed class UdpTrackerClientTests
{
    [Fact(Timeout = 30000)]
    public async Task A_reply_with_another_transaction_id_is_ignored_and_counted()
    {
        using var fake = new FakeTracker();
        var serve = fake.ServeAsync(async (request, from) =>
        {
            var tid = BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(12));
            var reply = new byte[16];
            TrackerCodec.WriteConnectResponse(reply, tid + 1, 99); // stale or forged
            await fake.SendAsync(reply, from);
            TrackerCodec.WriteConnectResponse(reply, tid, 100);
            await fake.SendAsync(reply, from);
        });
        using var client = new UdpTrackerClient(fake.EndPoint, FastClient);
        Assert.Equal(100, await client.ConnectAsync());
        Assert.Equal(1, client.MismatchedReplies);
    }

    [Fact(Timeout = 30000)]
    public async Task A_connect_reply_of_the_wrong_length_is_named()
    {
        using var fake = new FakeTracker();
        _ = fake.ServeAsync(async (request, from) =>
        {
            var reply = new byte[12];
            BinaryPrimitives.WriteInt32BigEndian(reply.AsSpan(4), BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(12)));
            await fake.SendAsync(reply, from);
        });
        using var client = new UdpTrackerClient(fake.EndPoint, FastClient);
        var e = await Assert.ThrowsAsync<TrackerException>(() => client.ConnectAsync());
        Assert.Contains("connect reply of 12 bytes (expected 16)", e.Message);
    }

    [Fact(Timeout = 30000)]
    public async Task An_error_reply_and_a_ragged_peer_list_are_named()
    {
        using var fake = new FakeTracker();
        int announces = 0;
        _ = fake.ServeAsync(async (request, from) =>
        {
            var tid = BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(12));
            if (BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(8)) == 0)
            {
                var connect = new byte[16];
                TrackerCodec.WriteConnectResponse(connect, tid, 7);
                await fake.SendAsync(connect, from);
                return;
            }
            var reply = new byte[64];
            var n = ++announces == 1
                ? TrackerCodec.WriteError(reply, tid, "info-hash not whitelisted")
                : TrackerCodec.WriteAnnounceResponseHeader(reply, new AnnounceResponseHeader(tid, 60, 0, 0)) + 4;
            await fake.SendAsync(reply[..n], from);
        });
        using var client = new UdpTrackerClient(fake.EndPoint, FastClient, "udp://fake:1");
        var refused = await Assert.ThrowsAsync<TrackerException>(() => client.AnnounceAsync(Announce(Hash('a'), 1)));
        Assert.Equal("Tracker udp://fake:1 refused the announce: info-hash not whitelisted", refused.Message);
        var ragged = await Assert.ThrowsAsync<TrackerException>(() => client.AnnounceAsync(Announce(Hash('a'), 1)));
        Assert.Contains("announce reply of 24 bytes is not 20 bytes plus whole 6-byte peers", ragged.Message);
    }

    [Fact(Timeout = 30000)]
    public async Task A_silent_tracker_is_retried_then_named()
    {
        using var fake = new FakeTracker();
        int requests = 0;
        _ = fake.ServeAsync((_, _) => { Interlocked.Increment(ref requests); return Task.CompletedTask; });
        using var client = new UdpTrackerClient(fake.EndPoint, new UdpTrackerClientOptions { InitialTimeout = TimeSpan.FromMilliseconds(50), MaxAttempts = 3 });
        var e = await Assert.ThrowsAsync<TrackerException>(() => client.ConnectAsync());
        Assert.Contains("did not answer the connect after 3 attempts", e.Message);
        Assert.Equal(3, Volatile.Read(ref requests));
    }

    [Fact(Timeout = 30000)]
    public async Task A_closed_port_is_named_as_such()
    {
        int port;
        using (var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0))) port = ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
        using var client = new UdpTrackerClient(new IPEndPoint(IPAddress.Loopback, port), new UdpTrackerClientOptions { InitialTimeout = TimeSpan.FromMilliseconds(50), MaxAttempts = 2 });
        var e = await Assert.ThrowsAsync<TrackerException>(() => client.AnnounceAsync(Announce(Hash('a'), 1)));
        Assert.Contains("port is closed", e.Message);
    }

    [Fact]
    public void Tracker_addresses_parse_or_say_what_is_wrong()
    {
        Assert.Equal(new TrackerAddress("127.0.0.1", 5700), TrackerAddress.Parse("udp://127.0.0.1:5700"));
        Assert.Equal(new TrackerAddress("tracker.example", 6969), TrackerAddress.Parse("udp://tracker.example:6969/announce"));
        Assert.Contains("udp://host:port", Assert.Throws<FormatException>(() => TrackerAddress.Parse("http://x:1")).Message);
        Assert.Contains("has no port", Assert.Throws<FormatException>(() => TrackerAddress.Parse("udp://x")).Message);
    }

    /// <summary>A socket on 127.0.0.1 that hands each datagram to a script.</summary>
    private sealed class FakeTracker : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

        public FakeTracker() => _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        public IPEndPoint EndPoint => (IPEndPoint)_socket.LocalEndPoint!;

        public async Task ServeAsync(Func<byte[], EndPoint, Task> script)
        {
            var buffer = new byte[2048];
            try
            {
                while (true)
                {
                    var result = await _socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0));
                    await script(buffer[..result.ReceivedBytes], result.RemoteEndPoint);
                }
            }
            catch (ObjectDisposedException) { }
            catch (SocketException) { }
        }

        public Task SendAsync(byte[] bytes, EndPoint to) => _socket.SendToAsync(bytes, to);

        public void Dispose() => _socket.Dispose();
    }
}
