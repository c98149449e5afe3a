using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using MoodDJ.Peers.Tracker;
using static MoodDJ.Peers.Tests.Tracker.TrackerFixtures;

namespace MoodDJ.Peers.Tests.Tracker;

/// <summary>The embedded tracker on IPv6 (::1 only): BEP 15 announces sent over IPv6 get 18-byte IPv6 peers.</summary>
public sealed class TrackerIPv6Tests
{
    private static UdpTrackerServer StartV6() =>
        StartServer6(new UdpTrackerServerOptions { EndPoint = new IPEndPoint(IPAddress.IPv6Loopback, 0) });

    private static UdpTrackerServer StartServer6(UdpTrackerServerOptions options)
    {
        var server = new UdpTrackerServer(options);
        server.Start();
        return server;
    }

    [IPv6Fact(Timeout = 30000)]
    public async Task Two_peers_announce_over_IPv6_and_each_sees_the_other_as_an_IPv6_peer()
    {
        await using var server = StartV6();
        var tracker = await TrackerAddress.Parse($"udp://[::1]:{server.LocalEndPoint.Port}").ResolveAsync(CancellationToken.None);
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, server.LocalEndPoint.Port), tracker);
        Assert.Equal($"udp://[::1]:{server.LocalEndPoint.Port}", TrackerAddress.Parse($"udp://[::1]:{server.LocalEndPoint.Port}").ToString());
        using var a = new UdpTrackerClient(tracker, FastClient);
        using var b = new UdpTrackerClient(tracker, FastClient);
        var hash = Hash('6');

        Assert.Empty((await a.AnnounceAsync(Announce(hash, 6001))).Peers);
        var second = await b.AnnounceAsync(Announce(hash, 6002) with { Left = 0 });
        Assert.Equal([new IPEndPoint(IPAddress.IPv6Loopback, 6001)], second.Peers);
        Assert.Equal((1, 1), (second.Leechers, second.Seeders));
        Assert.Equal([new IPEndPoint(IPAddress.IPv6Loopback, 6002)], (await a.AnnounceAsync(Announce(hash, 6001, AnnounceEvent.None))).Peers);
        Assert.Equal([new ScrapeEntry(1, 0, 1)], await a.ScrapeAsync([hash]));

        await b.AnnounceAsync(Announce(hash, 6002, AnnounceEvent.Stopped));
        Assert.Equal(1, server.Counters.Peers);
        Assert.Equal(0, server.Counters.Bad);
    }

    [IPv6Fact(Timeout = 30000)]
    public async Task The_reply_lists_each_peer_in_18_bytes_and_an_unproven_sender_gets_nothing()
    {
        await using var server = StartV6();
        var hash = Hash('7');
        using (var other = new UdpTrackerClient(server.LocalEndPoint, FastClient))
            await other.AnnounceAsync(Announce(hash, 7001));

        using var raw = new RawUdp(server.LocalEndPoint);
        var id = await raw.ConnectAsync();
        var request = new byte[TrackerProtocol.AnnounceRequestLength];
        TrackerCodec.WriteAnnounceRequest(request, new AnnounceRequest(id, 99, hash, PeerId.NewMoodDJ(), 0, 1, 0, AnnounceEvent.Started, 0, -1, 7002));
        raw.Send(request);
        var reply = await raw.ReceiveAsync(TimeSpan.FromSeconds(10)) ?? throw new Xunit.Sdk.XunitException("no announce reply");
        Assert.Equal(TrackerProtocol.AnnounceResponseHeaderLength + TrackerProtocol.Peer6Length, reply.Length);
        Assert.True(TrackerCodec.TryReadAnnounceResponse(reply, out var header, out var peers, TrackerProtocol.Peer6Length));
        Assert.Equal(99, header.TransactionId);
        Assert.Equal(IPAddress.IPv6Loopback, new IPAddress(peers[..16]));
        Assert.Equal(7001, BinaryPrimitives.ReadUInt16BigEndian(peers[16..]));
        Assert.Equal("[::1]:7001", TrackerCodec.ReadPeer6(peers).ToString());

        // A made-up connection id: dropped without a reply, counted.
        TrackerCodec.WriteAnnounceRequest(request, new AnnounceRequest(id ^ 1, 100, hash, PeerId.NewMoodDJ(), 0, 1, 0, AnnounceEvent.Started, 0, -1, 7003));
        raw.Send(request);
        Assert.Null(await raw.ReceiveAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(1, server.Counters.Spoofed);
        Assert.Equal(2, server.Counters.Peers);
    }

    [IPv6Fact(Timeout = 30000)]
    public async Task An_IPv6_tracker_takes_no_IPv4_announces()
    {
        await using var v6 = new UdpTrackerServer(new UdpTrackerServerOptions { EndPoint = new IPEndPoint(IPAddress.IPv6Any, 0) });
        v6.Start();
        using var v4Client = new UdpTrackerClient(new IPEndPoint(IPAddress.Loopback, v6.LocalEndPoint.Port),
            new UdpTrackerClientOptions { InitialTimeout = TimeSpan.FromMilliseconds(100), MaxAttempts = 2 });
        await Assert.ThrowsAsync<TrackerException>(() => v4Client.AnnounceAsync(Announce(Hash('8'), 8001)));
        Assert.Equal(0, v6.Counters.Connects);
    }
}

/// <summary>Skips, with the reason, where this machine has no IPv6 loopback.</summary>
public sealed class IPv6FactAttribute : FactAttribute
{
    public IPv6FactAttribute()
    {
        if (!Socket.OSSupportsIPv6) { Skip = "this machine has no IPv6"; return; }
        try
        {
            using var probe = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
            probe.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        }
        catch (SocketException e) { Skip = $"cannot bind ::1 ({e.Message})"; }
    }
}
