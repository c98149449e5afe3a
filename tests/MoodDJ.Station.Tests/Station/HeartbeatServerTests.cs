using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Station;
using MoodDJ.Client;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Plugins.UdpStream;

namespace MoodDJ.Station.Tests.Station;

public sealed class HeartbeatServerTests : IAsyncLifetime
{
    private readonly ListenerRegistry _registry = new(100, 10, TimeSpan.FromSeconds(30));
    private readonly StationCounters _counters = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Socket _client = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private IDatagramSocket _socket = null!;
    private Task _loop = Task.CompletedTask;

    public Task InitializeAsync()
    {
        _socket = new UdpStreamTransport().Open(new DatagramSocketOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0) });
        var server = new HeartbeatServer(_socket, _registry, _counters, maxPerSecond: 10_000, NullLogger.Instance);
        _loop = Task.Run(() => server.RunAsync(_stop.Token));
        _client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _client.ReceiveTimeout = 5000;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _stop.Cancel();
        _socket.Dispose();
        await _loop;
        _client.Dispose();
    }

    private HeartbeatDatagram Exchange(HeartbeatDatagram request)
    {
        var bytes = new byte[HeartbeatDatagram.Size];
        request.WriteTo(bytes);
        _client.SendTo(bytes, _socket.LocalEndPoint);
        var reply = new byte[64];
        var n = _client.Receive(reply);
        Assert.Equal(HeartbeatDatagram.Size, n);
        Assert.True(HeartbeatDatagram.TryRead(reply.AsSpan(0, n), out var answer));
        return answer;
    }

    [Fact]
    public void A_heartbeat_with_a_known_token_is_answered_alive_with_its_sequence()
    {
        var listener = _registry.TryAdd("s", new IPEndPoint(IPAddress.Loopback, 40000), ClearRtp.Instance, out _)!;
        var answer = Exchange(new HeartbeatDatagram(HeartbeatType.Heartbeat, listener.Token, 42));
        Assert.Equal(HeartbeatType.Alive, answer.Type);
        Assert.Equal(listener.Token, answer.Token);
        Assert.Equal(42u, answer.Sequence);
        Assert.Equal(1, _counters.Heartbeats);
    }

    [Fact]
    public void A_time_request_is_answered_with_the_station_clock_and_no_larger_than_it_came()
    {
        var listener = _registry.TryAdd("s", new IPEndPoint(IPAddress.Loopback, 40000), ClearRtp.Instance, out _)!;
        var clock = MoodDJ.Media.MediaClock.Shared;
        var request = new byte[HeartbeatDatagram.TimeSize];
        var sent = clock.Now;
        new HeartbeatDatagram(HeartbeatType.TimeRequest, listener.Token, 9).WriteTimeTo(request, sent, 0);
        _client.SendTo(request, _socket.LocalEndPoint);
        var reply = new byte[64];
        var n = _client.Receive(reply);
        var back = clock.Now;
        Assert.Equal(HeartbeatDatagram.TimeSize, n);
        Assert.True(HeartbeatDatagram.TryRead(reply.AsSpan(0, n), out var answer));
        Assert.Equal(HeartbeatType.TimeReply, answer.Type);
        Assert.Equal(9u, answer.Sequence);
        var (arrived, left) = HeartbeatDatagram.ReadTimes(reply.AsSpan(0, n));
        Assert.True(sent <= arrived && arrived <= left && left <= back, "the station's times lie within the round trip (one clock here)");
        Assert.Equal(1, _counters.Heartbeats);

        // An unknown token gets the plain 28-byte "unknown".
        new HeartbeatDatagram(HeartbeatType.TimeRequest, 777, 10).WriteTimeTo(request, sent, 0);
        _client.SendTo(request, _socket.LocalEndPoint);
        n = _client.Receive(reply);
        Assert.Equal(HeartbeatDatagram.Size, n);
        Assert.True(HeartbeatDatagram.TryRead(reply.AsSpan(0, n), out answer));
        Assert.Equal(HeartbeatType.Unknown, answer.Type);
    }

    [Fact]
    public void An_unknown_token_is_told_to_subscribe_again()
    {
        var answer = Exchange(new HeartbeatDatagram(HeartbeatType.Heartbeat, 12345, 1));
        Assert.Equal(HeartbeatType.Unknown, answer.Type);
        Assert.Equal(1, _counters.UnknownTokens);
    }

    [Fact]
    public void Junk_is_counted_and_dropped_without_a_reply_and_real_heartbeats_still_work()
    {
        var listener = _registry.TryAdd("s", new IPEndPoint(IPAddress.Loopback, 40001), ClearRtp.Instance, out _)!;
        var junk = new[]
        {
            new byte[] { 1 },
            new byte[1400],
            "GET / HTTP/1.1\r\n\r\n"u8.ToArray(),
            Convert.FromHexString("4D44484201810000000102030405060708090A0B0C0D0E0F00000007"),   // a reply sent to the server
            new byte[HeartbeatDatagram.Size],
        };
        foreach (var datagram in junk)
            _client.SendTo(datagram, _socket.LocalEndPoint);
        // The next valid heartbeat is answered; no reply to any of the junk came before it.
        var answer = Exchange(new HeartbeatDatagram(HeartbeatType.Heartbeat, listener.Token, 9));
        Assert.Equal(9u, answer.Sequence);
        Assert.Equal(junk.Length, _counters.HeartbeatJunk);
    }

    [Fact]
    public void A_datagram_larger_than_the_receive_buffer_is_dropped_and_the_next_heartbeat_answered()
    {
        // The server reads 2,048 bytes at most; on Linux it reads with recvmsg (for the kernel's receive stamp),
        // which must drop the truncated datagram as the plain receive does, not stop the loop.
        var listener = _registry.TryAdd("s", new IPEndPoint(IPAddress.Loopback, 40003), ClearRtp.Instance, out _)!;
        _client.SendTo(new byte[4000], _socket.LocalEndPoint);
        var answer = Exchange(new HeartbeatDatagram(HeartbeatType.Heartbeat, listener.Token, 11));
        Assert.Equal(11u, answer.Sequence);
        Assert.Equal(HeartbeatType.Alive, answer.Type);
    }

    [Fact]
    public async Task Leave_removes_the_listener_at_once()
    {
        var listener = _registry.TryAdd("s", new IPEndPoint(IPAddress.Loopback, 40002), ClearRtp.Instance, out _)!;
        var bytes = new byte[HeartbeatDatagram.Size];
        new HeartbeatDatagram(HeartbeatType.Leave, listener.Token, 1).WriteTo(bytes);
        _client.SendTo(bytes, _socket.LocalEndPoint);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_registry.Count > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.Equal(0, _registry.Count);
    }
}

public sealed class HeartbeatClientTests
{
    [Fact]
    public async Task A_client_keeps_a_listener_alive_and_learns_when_the_station_forgets_it()
    {
        var registry = new ListenerRegistry(10, 10, TimeSpan.FromSeconds(30));
        var transport = new UdpStreamTransport();
        using var socket = transport.Open(new DatagramSocketOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0) });
        using var stop = new CancellationTokenSource();
        var server = Task.Run(() => new HeartbeatServer(socket, registry, new StationCounters(), 1000, NullLogger.Instance).RunAsync(stop.Token));
        var listener = registry.TryAdd("s", new IPEndPoint(IPAddress.Loopback, 40100), ClearRtp.Instance, out _)!;

        using var client = new HeartbeatClient(transport, socket.LocalEndPoint, listener.Token, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(20));
        var running = client.RunAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (client.AliveReplies < 3 && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.True(client.AliveReplies >= 3);
        Assert.NotNull(client.LastRoundTrip);
        // Every heartbeat was a time request: the station clock estimate is ready, and in one process it is this clock.
        while (client.Clock.Samples < 6 && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.True(client.Clock.IsReady);
        // Within half the least round trip of the truth (0): a loaded machine may take milliseconds.
        Assert.InRange(Math.Abs(MoodDJ.Media.MediaClock.Seconds(client.Clock.Offset)), 0, MoodDJ.Media.MediaClock.Seconds(client.Clock.Delay) / 2 + 0.0005);

        registry.Remove(listener.Token);   // as if it expired, or the station restarted
        Assert.Equal(SubscriptionLoss.Forgotten, await running.WaitAsync(TimeSpan.FromSeconds(20)));
        stop.Cancel();
        socket.Dispose();
        await server;
    }

    [Fact]
    public async Task A_client_whose_station_is_gone_reports_silence_after_the_expiry()
    {
        var transport = new UdpStreamTransport();
        int port;
        using (var gone = transport.Open(new DatagramSocketOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0) }))
            port = gone.LocalEndPoint.Port;
        using var client = new HeartbeatClient(transport, new IPEndPoint(IPAddress.Loopback, port), 7, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(400));
        Assert.Equal(SubscriptionLoss.Silent, await client.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20)));
    }
}
