using System.Diagnostics;
using System.Net;
using MoodDJ.Peers;
using MoodDJ.Peers.Mesh;
using MoodDJ.Peers.Tracker;
using MoodDJ.Protocol.Messages;
using Xunit.Abstractions;

namespace MoodDJ.Mesh.Tests;

/// <summary>
/// A parent found only through the tracker: the station feeds one peer (S = 1); peer A takes that slot and lists
/// its relay endpoint in the station's swarm on a real BEP 15 tracker, as `mooddj peer` does. Peer B gets no
/// candidate from the station (the harness strips them), looks the swarm up on the tracker, and attaches to A
/// from the announce reply alone (candidate id 0, no probe). Real sockets on 127.0.0.1.
/// </summary>
public sealed class MeshTrackerParentTests(ITestOutputHelper output)
{
    private static readonly MeshPeerOptions Options = new() { MaxChildren = 4, ParentSilence = TimeSpan.FromMilliseconds(250) };

    [Fact(Timeout = 120_000)]
    public async Task A_peer_attaches_to_a_parent_it_found_only_in_the_trackers_announce_reply()
    {
        await using var tracker = new UdpTrackerServer(new UdpTrackerServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) });
        tracker.Start();
        await using var harness = await MeshHarness.StartAsync(1, synchronizedPeers: false);
        harness.Station.SwarmId = StationSwarmId.For(harness.Station.Id, harness.Server.ControlEndPoint.ToString()!);
        await using var prompt = await harness.ConnectAsync("dj");
        await prompt.PromptAsync("I feel calm and happy");

        var a = await harness.AddPeerAsync(Options);
        await UntilAsync(() => a.Relay.Stats.Direct && a.Output.LoudSamples > 0, "A is fed by the station and plays");
        var joined = a.Player.Subscription!;
        Assert.Equal(harness.Station.SwarmId, joined.SwarmId);
        var swarm = InfoHash.FromSwarmId(joined.SwarmId!);
        var aRelay = new IPEndPoint(IPAddress.Parse(joined.Mesh!.ReflexiveHost), joined.Mesh.ReflexivePort);
        using (var aTracker = new UdpTrackerClient(tracker.LocalEndPoint))
            await aTracker.AnnounceAsync(new AnnounceParameters(swarm, PeerId.NewMoodDJ(), (ushort)aRelay.Port) { Event = AnnounceEvent.Started });

        // B asks the tracker (a lookup: port 0 registers nobody) and keeps only what the announce reply lists.
        using var bTracker = new UdpTrackerClient(tracker.LocalEndPoint);
        var reply = await bTracker.AnnounceAsync(new AnnounceParameters(swarm, PeerId.NewMoodDJ(), 0) { NumWant = 16, Left = 1 });
        var fromTracker = reply.Peers.Select(p => new MeshCandidateDto(0, p.Address.ToString(), p.Port, 0, 0)).ToArray();
        Assert.Equal([aRelay], reply.Peers);
        var stationOffered = new List<MeshCandidateDto>();
        var b = await harness.AddPeerAsync(Options, candidates: offered =>
        {
            lock (stationOffered) stationOffered.AddRange(offered);
            return fromTracker;
        });

        var clock = Stopwatch.StartNew();
        await UntilAsync(() => b.Relay.Stats.Parents == 1 && b.Output.LoudSamples > 0, "B attaches to A and plays");
        output.WriteLine($"B attached and played after {clock.ElapsedMilliseconds} ms; A: {a.Relay.Stats}; B: {b.Relay.Stats}");
        Assert.False(b.Relay.Stats.Direct);
        Assert.Equal(2, b.Relay.Stats.Hops);
        Assert.Equal(1, a.Relay.Stats.Children);
        Assert.Equal(1, harness.Station.Listeners.Snapshot.Count(l => l.Mesh is { Direct: true }));
        // The station did offer A to B; the test threw that list away, so the only way B knew A was the tracker.
        lock (stationOffered) Assert.Contains(stationOffered, c => c.Port == aRelay.Port);
        await Task.Delay(2000);
        Assert.Equal(0, b.Relay.Stats.Forged);
        Assert.True(b.Relay.Stats.Verified > 100, b.Relay.Stats.ToString());
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(40)) Assert.Fail($"timed out waiting until {what}");
            await Task.Delay(20);
        }
    }
}
