using System.Net;
using System.Runtime.Loader;
using MoodDJ.Abstractions.Discovery;
using MoodDJ.Peers.Tracker;
using static MoodDJ.Peers.Tests.Tracker.TrackerFixtures;

namespace MoodDJ.Peers.Tests.Discovery;

/// <summary>The tracker and static discovery plugins, loaded by the engine from a plugin folder as a user's host loads them.</summary>
public sealed class DiscoveryPluginTests
{
    private const string Swarm = "00112233445566778899aabbccddeeff00112233";

    [Fact(Timeout = 60000)]
    public async Task Two_peers_find_each_other_through_the_tracker_plugin_keep_announcing_and_leave()
    {
        await using var tracker = StartServer(new UdpTrackerServerOptions { AnnounceInterval = TimeSpan.FromSeconds(1), PeerExpiry = TimeSpan.FromMilliseconds(2500) });
        using var folder = new PluginFolder("tracker");
        var settings = new { tracker = new { trackers = new[] { $"udp://127.0.0.1:{tracker.LocalEndPoint.Port}" }, timeoutMs = 300 } };
        await using var engineA = folder.Start("tracker", settings);
        await using var engineB = folder.Start("tracker", settings);
        var a = engineA.Selected<IPeerDiscovery>();
        var b = engineB.Selected<IPeerDiscovery>();

        // The plugin runs its own copy of MoodDJ.Peers in its own load context; only IPeerDiscovery is shared.
        var context = AssemblyLoadContext.GetLoadContext(a.GetType().Assembly)!;
        Assert.NotSame(AssemblyLoadContext.Default, context);
        Assert.Contains(context.Assemblies, x => x.GetName().Name == "MoodDJ.Peers");

        await a.AnnounceAsync(Swarm, new IPEndPoint(IPAddress.Loopback, 7100));
        await b.AnnounceAsync(Swarm, new IPEndPoint(IPAddress.Loopback, 7101));
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 7100)], await b.FindPeersAsync(Swarm, 10));
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 7101)], await a.FindPeersAsync(Swarm, 10));

        // Past the expiry, both are still listed: the plugin re-announces at the interval the tracker gave.
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Equal(2, tracker.Counters.Peers);

        await b.LeaveAsync(Swarm);
        Assert.Equal(1, tracker.Counters.Peers);
        Assert.Empty(await a.FindPeersAsync(Swarm, 10));
        // A lookup from a peer that never announced lists it nowhere.
        await using var engineC = folder.Start("tracker", settings);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 7100)], await engineC.Selected<IPeerDiscovery>().FindPeersAsync(Swarm, 10));
        Assert.Equal(1, tracker.Counters.Peers);
    }

    [Fact(Timeout = 60000)]
    public async Task A_tracker_that_is_not_there_is_named()
    {
        using var folder = new PluginFolder("tracker");
        await using var engine = folder.Start("tracker", new { tracker = new { trackers = new[] { "udp://127.0.0.1:9" }, timeoutMs = 50, attempts = 2 } });
        var e = await Assert.ThrowsAnyAsync<Exception>(() => engine.Selected<IPeerDiscovery>().AnnounceAsync(Swarm, new IPEndPoint(IPAddress.Loopback, 7100)).AsTask());
        Assert.Contains("udp://127.0.0.1:9 did not answer the announce after 2 attempts", e.Message);
    }

    [Fact(Timeout = 60000)]
    public async Task A_peer_announced_before_its_tracker_started_is_registered_once_it_runs()
    {
        int port;
        using (var probe = new System.Net.Sockets.UdpClient(new IPEndPoint(IPAddress.Loopback, 0))) port = ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
        using var folder = new PluginFolder("tracker");
        await using var engine = folder.Start("tracker", new { tracker = new { trackers = new[] { $"udp://127.0.0.1:{port}" }, timeoutMs = 100, attempts = 2 } });
        var discovery = engine.Selected<IPeerDiscovery>();
        await Assert.ThrowsAnyAsync<Exception>(() => discovery.AnnounceAsync(Swarm, new IPEndPoint(IPAddress.Loopback, 7150)).AsTask());

        await using var tracker = new UdpTrackerServer(new UdpTrackerServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, port) });
        tracker.Start();
        await CountersWhen(tracker, c => c.Peers == 1); // the plugin retries every 5 s
    }

    [Fact]
    public void A_bad_tracker_address_names_its_key()
    {
        using var folder = new PluginFolder("tracker");
        var e = Assert.ThrowsAny<Exception>(() => folder.Start("tracker", new { tracker = new { trackers = new[] { "udp://127.0.0.1:5700", "http://tracker:80" } } }));
        Assert.Contains("plugins:settings:tracker:trackers:1 (from", e.Message);
        Assert.Contains("is 'http://tracker:80', not udp://host:port", e.Message);
    }

    [Fact(Timeout = 60000)]
    public async Task The_static_plugin_lists_the_configured_peers_for_any_swarm()
    {
        using var folder = new PluginFolder("static");
        await using var engine = folder.Start("static", new { @static = new { peers = new[] { "127.0.0.1:9000", "localhost:9001", "[::1]:9002" } } });
        var discovery = engine.Selected<IPeerDiscovery>();
        await discovery.AnnounceAsync(Swarm, new IPEndPoint(IPAddress.Loopback, 1));
        var peers = await discovery.FindPeersAsync(Swarm, 10);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 9000), peers[0]);
        Assert.Equal(9001, peers[1].Port);
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 9002), peers[2]);
        Assert.Single(await discovery.FindPeersAsync(Swarm, 1));

        var bad = Assert.ThrowsAny<Exception>(() => folder.Start("static", new { @static = new { peers = new[] { "nohost" } } }));
        Assert.Contains("plugins:settings:static:peers:0 (from", bad.Message);
    }
}
