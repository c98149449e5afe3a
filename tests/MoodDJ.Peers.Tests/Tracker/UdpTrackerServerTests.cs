using System.Net;
using MoodDJ.Peers.Tracker;
using static MoodDJ.Peers.Tests.Tracker.TrackerFixtures;

namespace MoodDJ.Peers.Tests.Tracker;

public sealed class UdpTrackerServerTests
{
    [Fact(Timeout = 30000)]
    public async Task Two_peers_announce_and_each_sees_the_other_then_scrape_counts_them()
    {
        await using var server = StartServer();
        using var a = TrackerClient(server);
        using var b = TrackerClient(server);
        var hash = Hash('a');

        var first = await a.AnnounceAsync(Announce(hash, 6001));
        Assert.Empty(first.Peers);
        Assert.Equal(TimeSpan.FromSeconds(60), first.Interval);
        var second = await b.AnnounceAsync(Announce(hash, 6002) with { Left = 0 });
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 6001)], second.Peers);
        Assert.Equal((1, 1), (second.Leechers, second.Seeders));
        var again = await a.AnnounceAsync(Announce(hash, 6001, AnnounceEvent.None));
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 6002)], again.Peers);

        var scrape = await a.ScrapeAsync([hash, Hash('b')]);
        Assert.Equal([new ScrapeEntry(1, 0, 1), new ScrapeEntry(0, 0, 0)], scrape);
        var counters = server.Counters;
        Assert.Equal((1, 2), (counters.Swarms, counters.Peers));
        Assert.Equal(0, counters.Bad);
    }

    [Fact(Timeout = 30000)]
    public async Task Stopped_removes_the_peer_and_silent_peers_expire()
    {
        await using var server = StartServer(new UdpTrackerServerOptions { AnnounceInterval = TimeSpan.FromMilliseconds(500), PeerExpiry = TimeSpan.FromSeconds(2) });
        var notices = new List<TrackerNotice>();
        server.Notice += n => { lock (notices) notices.Add(n); };
        using var a = TrackerClient(server);
        using var b = TrackerClient(server);
        var hash = Hash('c');
        await a.AnnounceAsync(Announce(hash, 7001));
        await b.AnnounceAsync(Announce(hash, 7002));
        Assert.Equal(2, server.Counters.Peers);

        var stopped = await b.AnnounceAsync(Announce(hash, 7002, AnnounceEvent.Stopped));
        Assert.Empty(stopped.Peers);
        Assert.Equal(1, server.Counters.Peers);

        // a never announces again: it is dropped after the expiry, and the empty swarm with it.
        await CountersWhen(server, c => c.Peers == 0 && c.Swarms == 0);
        lock (notices)
            Assert.Equal([TrackerNoticeKind.NewSwarm, TrackerNoticeKind.NewPeer, TrackerNoticeKind.NewPeer, TrackerNoticeKind.PeerStopped,
                TrackerNoticeKind.PeerExpired, TrackerNoticeKind.SwarmEmptied], notices.Select(n => n.Kind));
    }

    [Fact(Timeout = 30000)]
    public async Task A_peer_that_keeps_announcing_does_not_expire()
    {
        await using var server = StartServer(new UdpTrackerServerOptions { AnnounceInterval = TimeSpan.FromMilliseconds(200), PeerExpiry = TimeSpan.FromMilliseconds(1500) });
        using var a = TrackerClient(server);
        for (int i = 0; i < 12; i++) // 2.4 s of announcing, well past the expiry
        {
            await a.AnnounceAsync(Announce(Hash('d'), 7003, AnnounceEvent.None));
            await Task.Delay(200);
        }
        Assert.Equal(1, server.Counters.Peers);
    }

    [Fact(Timeout = 30000)]
    public async Task A_port_zero_announce_is_a_lookup_that_registers_nobody()
    {
        await using var server = StartServer();
        using var a = TrackerClient(server);
        using var b = TrackerClient(server);
        await a.AnnounceAsync(Announce(Hash('e'), 7004));
        var lookup = await b.AnnounceAsync(Announce(Hash('e'), 0, AnnounceEvent.None));
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 7004)], lookup.Peers);
        Assert.Equal(1, server.Counters.Peers);
    }

    [Fact(Timeout = 30000)]
    public async Task Limits_on_swarms_peers_and_numwant_are_enforced_and_named()
    {
        await using var server = StartServer(new UdpTrackerServerOptions { MaxSwarms = 2, MaxPeersPerSwarm = 5, MaxNumWant = 3 });
        using var client = TrackerClient(server);
        for (ushort port = 8001; port <= 8005; port++)
            await client.AnnounceAsync(Announce(Hash('1'), port));
        var full = await Assert.ThrowsAsync<TrackerException>(() => client.AnnounceAsync(Announce(Hash('1'), 8006)));
        Assert.Contains("swarm full: 5 peers", full.Message);
        // An existing peer still refreshes in a full swarm.
        var refresh = await client.AnnounceAsync(Announce(Hash('1'), 8005, AnnounceEvent.None));
        Assert.Equal(3, refresh.Peers.Count); // capped by MaxNumWant
        var one = await client.AnnounceAsync(Announce(Hash('1'), 8005, AnnounceEvent.None, numWant: 1));
        Assert.Single(one.Peers);
        var none = await client.AnnounceAsync(Announce(Hash('1'), 8005, AnnounceEvent.None, numWant: 0));
        Assert.Empty(none.Peers);

        await client.AnnounceAsync(Announce(Hash('2'), 8001));
        var tooMany = await Assert.ThrowsAsync<TrackerException>(() => client.AnnounceAsync(Announce(Hash('3'), 8001)));
        Assert.Contains("tracker full: 2 swarms", tooMany.Message);
        var counters = server.Counters;
        Assert.Equal((2, 6, 2L), (counters.Swarms, counters.Peers, counters.Refused));
    }

    [Fact(Timeout = 30000)]
    public async Task Peers_on_the_trackers_machine_can_be_listed_under_its_lan_address()
    {
        // 192.0.2.7 (TEST-NET-1) is only written into replies here; nothing is sent to it.
        await using var server = StartServer(new UdpTrackerServerOptions { LoopbackPeersAs = IPAddress.Parse("192.0.2.7") });
        using var a = TrackerClient(server);
        using var b = TrackerClient(server);
        await a.AnnounceAsync(Announce(Hash('f'), 7005));
        var seen = await b.AnnounceAsync(Announce(Hash('f'), 7006));
        Assert.Equal([new IPEndPoint(IPAddress.Parse("192.0.2.7"), 7005)], seen.Peers);
        await b.AnnounceAsync(Announce(Hash('f'), 7006, AnnounceEvent.Stopped));
        Assert.Equal(1, server.Counters.Peers);
    }

    [Fact]
    public void Bad_options_are_refused_by_name()
    {
        Assert.Contains("MaxNumWant", Assert.Throws<ArgumentOutOfRangeException>(() => new UdpTrackerServer(new UdpTrackerServerOptions { MaxNumWant = 0 })).Message);
        Assert.Contains("PeerExpiry", Assert.Throws<ArgumentOutOfRangeException>(() =>
            new UdpTrackerServer(new UdpTrackerServerOptions { AnnounceInterval = TimeSpan.FromSeconds(10), PeerExpiry = TimeSpan.FromSeconds(5) })).Message);
    }
}
