using System.Diagnostics;
using MoodDJ.Peers.Mesh;
using Xunit.Abstractions;

namespace MoodDJ.Mesh.Tests;

/// <summary>
/// In-process swarms on 127.0.0.1 against a real station. Margins are wide for a loaded 2-core
/// machine (a 1 s jitter buffer that the backfill refills after a failover, 250 ms parent silence), but every figure can still fail.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class MeshSwarmTests(ITestOutputHelper output)
{
    private const int FramesPerSecond = 100;   // 10 ms L16 frames

    private static readonly MeshPeerOptions Crashing = new()
    {
        MaxChildren = 4,
        ParentSilence = TimeSpan.FromMilliseconds(250),
        LeaveGracefully = false,
    };

    [Fact(Timeout = 180_000)]
    public async Task Thirty_peers_play_continuously_while_the_server_feeds_only_S_of_them()
    {
        const int S = 3;
        using var probe = new PoolStallProbe();
        await using var harness = await MeshHarness.StartAsync(S);
        await using var prompt = await harness.ConnectAsync("dj");
        await prompt.PromptAsync("I feel calm and happy");
        for (var i = 0; i < 30; i++)
            await harness.AddPeerAsync(Crashing);
        await WaitAllPlayingAsync(harness, TimeSpan.FromSeconds(60));

        output.WriteLine("start-up " + probe.Report());
        PoolStallProbe.Log("[probe] start-up " + probe.Report());
        probe.Mark();
        var (continuity, egress) = await MeasureAsync(harness, TimeSpan.FromSeconds(10));
        var direct = harness.Station.Listeners.Snapshot.Count(l => l.Mesh is { Direct: true });
        output.WriteLine($"direct {direct}, egress {egress:0} packets/s, worst continuity {continuity.Values.Min():0.0000}");
        output.WriteLine("window " + probe.Report());
        PoolStallProbe.Log($"[probe] worst continuity {continuity.Values.Min():0.0000}; {probe.Report()}");
        foreach (var peer in harness.Peers)
            output.WriteLine($"{peer.Name}: {peer.Relay.Stats}");
        Assert.InRange(direct, 1, S);
        Assert.True(egress <= S * FramesPerSecond * 1.1, $"the server sent {egress:0} packets/s, more than {S} streams");
        Assert.All(continuity, kv => Assert.True(kv.Value >= 0.999, $"{kv.Key} played {kv.Value:0.0000} of its frames on time"));
        Assert.True(harness.Peers.Max(p => p.Relay.Stats.Hops) > 1, "nobody was fed by a relay");
    }

    [Fact(Timeout = 180_000)]
    public async Task Killing_a_third_of_the_relays_keeps_the_music_and_orphans_reattach_within_a_second()
    {
        const int S = 3;
        await using var harness = await MeshHarness.StartAsync(S);
        await using var prompt = await harness.ConnectAsync("dj");
        await prompt.PromptAsync("I feel calm and happy");
        for (var i = 0; i < 30; i++)
            await harness.AddPeerAsync(Crashing);
        await WaitAllPlayingAsync(harness, TimeSpan.FromSeconds(60));
        await Task.Delay(1000);

        var relays = harness.Peers.Where(p => p.Relay.Stats.Children > 0).ToList();
        var killed = relays.OrderBy(_ => Random.Shared.Next()).Take((relays.Count + 2) / 3).ToList();
        var killedIds = killed.Select(p => p.Relay.PeerId).ToHashSet();
        var survivors = harness.Peers.Except(killed).ToList();
        var orphans = survivors.Where(p => p.Relay.ParentIds.Any(killedIds.Contains)).ToList();
        var before = survivors.ToDictionary(p => p, p => (p.Counts, p.Relay.Stats.Reattaches));
        output.WriteLine($"{relays.Count} relays; killing {killed.Count}, orphaning {orphans.Count}");
        await Task.WhenAll(killed.Select(p => p.StopAsync()));

        await Task.Delay(TimeSpan.FromSeconds(10));
        foreach (var peer in survivors)
        {
            var (played, concealed) = peer.Counts;
            var (p0, c0) = before[peer].Counts;
            var continuity = (double)(played - p0) / Math.Max(1, played - p0 + concealed - c0);
            output.WriteLine($"{peer.Name}: continuity {continuity:0.0000}, {peer.Relay.Stats}; {peer.Player.Stats}");
            Assert.True(continuity >= 0.99, $"{peer.Name} played {continuity:0.0000} of its frames on time after the kill");
        }
        Assert.NotEmpty(orphans);
        foreach (var orphan in orphans)
        {
            var stats = orphan.Relay.Stats;
            Assert.True(stats.Direct || stats.Parents > 0, $"{orphan.Name} has no parent");
            Assert.True(stats.Reattaches > before[orphan].Reattaches, $"{orphan.Name} never re-attached");
            // From its parent's last packet: the silence that shows the parent is gone, then the re-attach.
            var gap = Crashing.ParentSilence + stats.LongestReattach;
            Assert.True(gap < TimeSpan.FromSeconds(1), $"{orphan.Name} took {gap.TotalMilliseconds:0} ms to re-attach");
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task With_two_parents_killing_one_loses_no_packet()
    {
        await using var harness = await MeshHarness.StartAsync(2);
        await using var prompt = await harness.ConnectAsync("dj");
        await prompt.PromptAsync("I feel calm and happy");
        var a = await harness.AddPeerAsync(Crashing);
        var b = await harness.AddPeerAsync(Crashing);
        await WaitAsync(() => a.Relay.Stats.Direct && b.Relay.Stats.Direct && a.Relay.Stats.Verified > 0 && b.Relay.Stats.Verified > 0, TimeSpan.FromSeconds(30));
        await Task.Delay(600);   // both reported, so the station offers them
        var child = await harness.AddPeerAsync(Crashing with { Parents = 2 });
        await WaitAsync(() => child.Relay.Stats.Parents == 2 && child.Player.Stats.Played > 50, TimeSpan.FromSeconds(30));
        await Task.Delay(1000);

        var lost0 = child.Player.Stats.Lost;
        var (played0, concealed0) = child.Counts;
        await a.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));
        var (played, concealed) = child.Counts;
        output.WriteLine($"child: {child.Player.Stats}; {child.Relay.Stats}");
        Assert.Equal(lost0, child.Player.Stats.Lost);
        Assert.Equal(concealed0, concealed);
        Assert.True(played - played0 > 200, $"played only {played - played0} frames");
        Assert.True(child.Relay.Stats.Duplicates > 100, "the second parent's copies were not de-duplicated");
    }

    [Fact(Timeout = 180_000)]
    public async Task Peers_losing_a_tenth_of_what_they_receive_get_it_resent_after_a_nack()
    {
        const int S = 2;
        await using var harness = await MeshHarness.StartAsync(S);
        await using var prompt = await harness.ConnectAsync("dj");
        await prompt.PromptAsync("I feel calm and happy");
        for (var i = 0; i < 8; i++)
            await harness.AddPeerAsync(new MeshPeerOptions { MaxChildren = 2 }, transport: new MoodDJ.Testing.LossyStreamTransport(harness.Engine.StreamTransport, 0.10, seed: i + 1));
        await WaitAllPlayingAsync(harness, TimeSpan.FromSeconds(60));

        var (continuity, _) = await MeasureAsync(harness, TimeSpan.FromSeconds(8));
        foreach (var peer in harness.Peers)
            output.WriteLine($"{peer.Name}: continuity {continuity[peer.Name]:0.0000}, nacks {peer.Relay.Repairs.NacksSent}, resent {peer.Relay.Repairs.Resent}; {peer.Relay.Stats}");
        output.WriteLine($"station resent {harness.Station.Counters.MeshResent}");
        Assert.True(harness.Peers.Max(p => p.Relay.Stats.Hops) > 1, "nobody was fed by a relay");
        Assert.True(harness.Station.Counters.MeshResent > 0, "the station resent nothing to its direct peers");
        Assert.True(harness.Peers.Sum(p => p.Relay.Repairs.Resent) > 0, "no relay resent anything to its children");
        // Without repair, 10 % loss per hop leaves 0.90 at hop 1 and 0.81 at hop 2 (less what concealment hides).
        Assert.All(continuity, kv => Assert.True(kv.Value >= 0.97, $"{kv.Key} played only {kv.Value:0.0000} of its frames from packets"));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_nack_from_a_stranger_posing_as_a_peer_gets_nothing_resent()
    {
        await using var harness = await MeshHarness.StartAsync(1);
        await using var prompt = await harness.ConnectAsync("dj");
        await prompt.PromptAsync("I feel calm and happy");
        var peer = await harness.AddPeerAsync(new MeshPeerOptions());
        await WaitAllPlayingAsync(harness, TimeSpan.FromSeconds(60));

        using var stranger = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var nack = new byte[MeshWire.HeaderLength + 3];
        MeshWire.WriteNack(nack, peer.Relay.PeerId, first: 0, count: MeshWire.MaxNack);   // the peer's id, not its address
        var junk = harness.Station.Counters.StreamPortJunk;
        var resent = harness.Station.Counters.MeshResent;
        await stranger.SendAsync(nack, harness.Server.StreamEndPoint);
        await WaitAsync(() => harness.Station.Counters.StreamPortJunk > junk, TimeSpan.FromSeconds(10));
        using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await stranger.ReceiveAsync(quiet.Token));
        Assert.Equal(resent, harness.Station.Counters.MeshResent);
    }

    internal static async Task WaitAllPlayingAsync(MeshHarness harness, TimeSpan limit) =>
        await WaitAsync(() => harness.Peers.All(p => p.Player.Stats.Played > 100 && (p.Relay.Stats.Direct || p.Relay.Stats.Parents > 0)), limit,
            () => string.Join("; ", harness.Peers.Where(p => p.Player.Stats.Played <= 100).Select(p => $"{p.Name}: {p.Relay.Stats}")));

    /// <summary>Each peer's continuity (frames played from packets / frames played) and the server's packets per second over the window.</summary>
    private static async Task<(Dictionary<string, double> Continuity, double Egress)> MeasureAsync(MeshHarness harness, TimeSpan window)
    {
        var before = harness.Peers.ToDictionary(p => p.Name, p => p.Counts);
        var sent = harness.Station.Counters.PacketsSent;
        var clock = Stopwatch.StartNew();
        await Task.Delay(window);
        var egress = (harness.Station.Counters.PacketsSent - sent) / clock.Elapsed.TotalSeconds;
        var continuity = harness.Peers.ToDictionary(p => p.Name, p =>
        {
            var (played, concealed) = p.Counts;
            var (p0, c0) = before[p.Name];
            return (double)(played - p0) / Math.Max(1, played - p0 + concealed - c0);
        });
        return (continuity, egress);
    }

    internal static async Task WaitAsync(Func<bool> condition, TimeSpan limit, Func<string>? why = null)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit) Assert.Fail($"timed out after {limit.TotalSeconds:0} s{(why is null ? "" : ": " + why())}");
            await Task.Delay(50);
        }
    }
}
