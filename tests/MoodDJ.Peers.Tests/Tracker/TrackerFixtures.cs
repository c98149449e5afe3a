using System.Net;
using System.Net.Sockets;
using MoodDJ.Peers.Tracker;

namespace MoodDJ.Peers.Tests.Tracker;

/// <summary>A tracker on 127.0.0.1 with short timers, clients with short timeouts, and a raw socket for bad input.</summary>
internal static class TrackerFixtures
{
    public static readonly UdpTrackerClientOptions FastClient = new() { InitialTimeout = TimeSpan.FromMilliseconds(500), MaxAttempts = 4 };

    public static InfoHash Hash(char digit) => InfoHash.FromSwarmId(new string(digit, 40));

    public static UdpTrackerServer StartServer(UdpTrackerServerOptions? options = null)
    {
        var server = new UdpTrackerServer((options ?? new UdpTrackerServerOptions()) with { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) });
        server.Start();
        return server;
    }

    public static UdpTrackerClient TrackerClient(UdpTrackerServer server) => new(server.LocalEndPoint, FastClient);

    public static AnnounceParameters Announce(InfoHash hash, ushort port, AnnounceEvent e = AnnounceEvent.Started, int numWant = -1) =>
        new(hash, PeerId.NewMoodDJ(), port) { Event = e, NumWant = numWant, Left = 1 };

    /// <summary>Waits until the server's counters satisfy <paramref name="condition"/> (the receive loop runs on its own).</summary>
    public static async Task<TrackerCounters> CountersWhen(UdpTrackerServer server, Func<TrackerCounters, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition(server.Counters))
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"counters never matched: {server.Counters}");
            await Task.Delay(10);
        }
        return server.Counters;
    }
}

/// <summary>A plain UDP socket on 127.0.0.1 that sends whatever bytes a test makes and reads what comes back.</summary>
internal sealed class RawUdp : IDisposable
{
    private readonly Socket _socket;

    public RawUdp(IPEndPoint target)
    {
        _socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(target.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback, 0));
        _socket.Connect(target);
    }

    public void Send(ReadOnlySpan<byte> bytes) => _socket.Send(bytes);

    /// <summary>The next datagram, or null if none comes within <paramref name="wait"/>.</summary>
    public async Task<byte[]?> ReceiveAsync(TimeSpan wait)
    {
        var buffer = new byte[65536];
        using var cts = new CancellationTokenSource(wait);
        try
        {
            var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            return buffer[..n];
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>A valid connection id for this socket's address, got the honest way.</summary>
    public async Task<long> ConnectAsync()
    {
        var request = new byte[16];
        TrackerCodec.WriteConnectRequest(request, 1234);
        Send(request);
        var reply = await ReceiveAsync(TimeSpan.FromSeconds(10)) ?? throw new Xunit.Sdk.XunitException("no connect reply");
        Assert.True(TrackerCodec.TryReadConnectResponse(reply, out var tid, out var id));
        Assert.Equal(1234, tid);
        return id;
    }

    public void Dispose() => _socket.Dispose();
}
