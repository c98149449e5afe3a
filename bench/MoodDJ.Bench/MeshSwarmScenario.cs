using System.Diagnostics;
using System.Net;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Client;
using MoodDJ.Hosting;
using MoodDJ.Peers.Mesh;
using MoodDJ.Protocol.Messages;
using MoodDJ.Station;

namespace MoodDJ.Bench;

/// <summary>
/// The live relay mesh against the seed's design: N in-process listeners (10, 50, 100) either as
/// `mooddj peer` relays (station:maxDirectPeers 4, 4 children each) or as plain players that all
/// pull from the server. Prints the server's egress, the worst and median continuity (frames played
/// from packets / frames played) over the window, the median and worst join time (subscribe to
/// first decoded sample), and for the mesh the failover gap when one direct relay is killed (its
/// children's silence limit plus re-attach). Everything shares this 2-core machine.
/// `dotnet run -c Release --project bench/MoodDJ.Bench -- mesh-swarm [N...] [--seconds S]`
/// </summary>
public sealed class MeshSwarmScenario : IBenchScenario
{
    public string Name => "mesh-swarm";

    private static readonly MeshPeerOptions Peer = new() { MaxChildren = 4, ParentSilence = TimeSpan.FromMilliseconds(250), LeaveGracefully = false };

    public async Task<int> RunAsync(string[] args)
    {
        var seconds = 10.0;
        var counts = new List<int>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--seconds" && i + 1 < args.Length) seconds = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            else if (int.TryParse(args[i], out var n)) counts.Add(n);
        }
        if (counts.Count == 0) counts.AddRange([10, 50, 100]);
        Console.WriteLine($"mesh vs pull: L16 10 ms frames (100 packets/s), aead, S=4 direct, K=4 children, 800 ms jitter buffer, {seconds:0} s window; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Console.WriteLine("design | peers | egress packets/s | streams | continuity worst / median | join median / worst | failover gap (1 parent)");
        foreach (var n in counts)
        {
            await MeasureAsync(n, mesh: true, seconds);
            await MeasureAsync(n, mesh: false, seconds);
        }
        return 0;
    }

    private static async Task MeasureAsync(int count, bool mesh, double seconds)
    {
        await using var engine = StationBenchSupport.StartEngine("aead", ("station:maxDirectPeers", "4"), ("station:maxListeners", "1000"),
            ("station:maxListenersPerSession", "8"));
        await using var server = StationFactory.Create(engine);
        await server.StartAsync();
        await using var dj = StationBenchSupport.Client(engine, server.ControlEndPoint, "dj");
        await dj.ConnectAsync();
        await dj.PromptAsync("I feel calm and happy");
        var peers = new List<BenchPeer>();
        try
        {
            for (var i = 0; i < count; i++)
                peers.Add(await BenchPeer.StartAsync(engine, server.ControlEndPoint, mesh));
            var clock = Stopwatch.StartNew();
            while (peers.Any(p => p.Player.Stats.Played < 100) && clock.Elapsed < TimeSpan.FromSeconds(120))
                await Task.Delay(100);
            await Task.Delay(1000);
            var station = server.Router.Default!;
            var before = peers.Select(p => p.Counts).ToArray();
            var sent = station.Counters.PacketsSent;
            clock.Restart();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            var egress = (station.Counters.PacketsSent - sent) / clock.Elapsed.TotalSeconds;
            var continuity = peers.Select((p, i) => Continuity(before[i], p.Counts)).Order().ToList();
            var joins = peers.Where(p => p.Joined is not null).Select(p => p.Joined!.Value.TotalMilliseconds).Order().ToList();
            var failover = mesh ? await FailoverAsync(peers) : "—";
            Console.WriteLine($"{(mesh ? "mesh" : "pull"),6} | {count,5} | {egress,16:0} | {egress / 100,7:0.0} | {continuity[0],8:0.0000} / {continuity[continuity.Count / 2]:0.0000} | "
                + $"{(joins.Count == 0 ? "?" : $"{joins[joins.Count / 2]:0} ms / {joins[^1]:0} ms"),19} | {failover}");
        }
        finally
        {
            foreach (var p in peers) await p.DisposeAsync();
        }
    }

    /// <summary>Kills one direct relay with children; the longest gap its orphans saw (silence limit + re-attach).</summary>
    private static async Task<string> FailoverAsync(List<BenchPeer> peers)
    {
        var victim = peers.FirstOrDefault(p => p.Relay!.Stats.Direct && p.Relay.Stats.Children > 0);
        if (victim is null) return "no relay with children";
        var orphans = peers.Where(p => p != victim && p.Relay!.ParentIds.Contains(victim.Relay!.PeerId)).ToList();
        var before = orphans.ToDictionary(p => p, p => (p.Relay!.Stats.Reattaches, p.Player.Stats.Lost));
        await victim.StopAsync();
        await Task.Delay(3000);
        var gaps = orphans.Where(o => o.Relay!.Stats.Reattaches > before[o].Reattaches)
            .Select(o => (Peer.ParentSilence + o.Relay!.Stats.LastReattach).TotalMilliseconds).ToList();
        var lost = orphans.Sum(o => o.Player.Stats.Lost - before[o].Lost);
        return gaps.Count == 0 ? "no orphan re-attached" : $"{gaps.Max():0} ms worst of {orphans.Count} orphans, {lost} packets lost (backfill)";
    }

    private static double Continuity((long Played, long Concealed) a, (long Played, long Concealed) b)
    {
        var played = b.Played - a.Played;
        return (double)played / Math.Max(1, played + b.Concealed - a.Concealed);
    }

    private sealed class BenchPeer : IAsyncDisposable, IAudioOutput, IAudioPlayback
    {
        private readonly CancellationTokenSource _stop = new();
        private StationControlClient _control = null!;
        private Task _running = Task.CompletedTask;
        private long _started;

        public StationPlayer Player { get; private set; } = null!;

        public MeshRelay? Relay { get; private set; }

        public TimeSpan? Joined { get; private set; }

        public (long Played, long Concealed) Counts => (Player.Stats.Played, Player.Stats.Concealed);

        public static async Task<BenchPeer> StartAsync(MoodDJEngine engine, EndPoint station, bool mesh)
        {
            var peer = new BenchPeer { _started = Stopwatch.GetTimestamp() };
            var control = new StationControlClient(engine.ControlTransport, engine.Crypto, new StationClientOptions { EndPoint = station, ClientName = "bench peer", CallTimeout = TimeSpan.FromSeconds(30) });
            await control.ConnectAsync();
            peer._control = control;
            if (mesh)
            {
                peer.Relay = new MeshRelay(Peer, (token, newest, ct) => control.MeshParentsAsync(token, newest, ct));
                control.MeshKeyAnnounced += peer.Relay.OnKey;
                control.MeshProbeRequested += peer.Relay.OnProbe;
            }
            peer.Player = new StationPlayer(engine.StreamTransport, engine.Codec, peer, IPAddress.Loopback,
                (port, ct) => control.SubscribeAsync(new SubscribeParams(port, Relay: mesh ? Peer.MaxChildren : null), ct),
                new StationPlayerOptions { JitterDepth = TimeSpan.FromMilliseconds(800) })
            {
                Relay = peer.Relay,
                Report = (r, ct) => control.ReportAsync(r, ct),
            };
            if (peer.Relay is { } relay)
                relay.ReportNow = ct => peer.Player.Subscription is { } s ? control.ReportAsync(new ReportParams(s.Token, 0, 0, 0, 0, 0, relay.DescribeMesh()), ct) : Task.CompletedTask;
            _ = peer.Player.FirstSamplePlayed.ContinueWith(_ => peer.Joined = Stopwatch.GetElapsedTime(peer._started), TaskScheduler.Default);
            peer._running = peer.Player.RunAsync(peer._stop.Token);
            return peer;
        }

        public async Task StopAsync()
        {
            _stop.Cancel();
            try { await _running; } catch (OperationCanceledException) { }
        }

        public AudioFormat Format { get; private set; }

        public ValueTask<IAudioPlayback> OpenAsync(AudioFormat format, CancellationToken cancellationToken = default)
        {
            Format = format;
            return ValueTask.FromResult<IAudioPlayback>(this);
        }

        public ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask DrainAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            await _control.DisposeAsync();
            Relay?.Dispose();
        }
    }
}
