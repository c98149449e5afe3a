using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using MoodDJ.Client;
using MoodDJ.Peers.Mesh;
using MoodDJ.Testing;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Bench;

/// <summary>
/// The peer side of mesh-swarm (run by it as a child process): N players (pull) or relaying peers
/// (mesh) on lossy sockets, started 50 ms apart. Prints "measuring" once all have sound and a 3 s
/// warm-up has passed, then after the window one JSON line of per-peer figures.
/// </summary>
public sealed class MeshSwarmPeersScenario : IBenchScenario
{
    public string Name => "mesh-swarm-peers";

    public async Task<int> RunAsync(string[] args)
    {
        var station = IPEndPoint.Parse(args[0]);
        var (key, mode, count) = (args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture));
        var loss = double.Parse(args[4], CultureInfo.InvariantCulture);
        var seconds = int.Parse(args[5], CultureInfo.InvariantCulture);
        var parents = args.Length > 6 ? int.Parse(args[6], CultureInfo.InvariantCulture) : 1;
        await using var engine = StationBenchSupport.StartEngine("aead", ("station:key", key));
        using var stop = new CancellationTokenSource();
        var peers = new List<BenchPeer>();
        for (var i = 0; i < count; i++)
        {
            var control = await ConnectAsync(engine, station, $"peer{i + 1}");
            var transport = new LossyStreamTransport(engine.StreamTransport, loss, seed: i + 1);
            peers.Add(new BenchPeer($"peer{i + 1}", control, engine.Codec, transport, mode == "mesh", parents, stop.Token));
            await Task.Delay(50);
        }
        var deadline = Stopwatch.StartNew();
        while (peers.Any(p => p.FirstSoundMs is null) && deadline.Elapsed < TimeSpan.FromSeconds(60))
            await Task.Delay(100);
        await Task.Delay(3000);
        var before = peers.Select(p => p.Player.Stats).ToArray();
        foreach (var peer in peers) peer.Timing = true;
        Console.WriteLine("measuring");
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        foreach (var peer in peers) peer.Timing = false;
        var figures = peers.Select((p, i) => new MeshSwarmScenario.PeerFigures(
            Continuity(before[i], p.Player.Stats), p.Relay?.Stats.Hops ?? 1, p.FirstSoundMs ?? -1)).ToArray();
        var result = new MeshSwarmScenario.SwarmFigures(figures, HopLatencies(peers), mode == "mesh" ? await FailoverAsync(peers) : null);
        Console.WriteLine(JsonSerializer.Serialize(result));
        stop.Cancel();
        foreach (var peer in peers) await peer.DisposeAsync();
        return 0;
    }

    /// <summary>A control client, connected; a loaded machine sometimes drops a handshake, so it tries three times.</summary>
    private static async Task<StationControlClient> ConnectAsync(MoodDJ.Hosting.MoodDJEngine engine, IPEndPoint station, string name)
    {
        for (var attempt = 1; ; attempt++)
        {
            var control = StationBenchSupport.Client(engine, station, name);
            try
            {
                await control.ConnectAsync();
                return control;
            }
            catch (Exception e) when (attempt < 3 && e is StationConnectionLostException or IOException or TimeoutException)
            {
                await control.DisposeAsync();
                await Task.Delay(500);
            }
        }
    }

    private static double Continuity(PlayerStats a, PlayerStats b)
    {
        var played = b.Played - a.Played;
        var concealed = b.Concealed - a.Concealed;
        return played + concealed == 0 ? 0 : (double)played / (played + concealed);
    }

    /// <summary>
    /// For every sampled packet, how much later than the first peer fed by the station a peer at each
    /// hop verified it (all peers share this process's clock); the median per hop, in ms.
    /// </summary>
    private static Dictionary<int, double> HopLatencies(List<BenchPeer> peers)
    {
        var byHop = new Dictionary<int, List<double>>();
        var hop1 = new Dictionary<ushort, long>();
        foreach (var peer in peers.Where(p => p.Hops == 1))
            foreach (var (sequence, at) in peer.Arrivals)
                hop1[sequence] = hop1.TryGetValue(sequence, out var first) ? Math.Min(first, at) : at;
        foreach (var peer in peers.Where(p => p.Hops > 1))
            foreach (var (sequence, at) in peer.Arrivals)
                if (hop1.TryGetValue(sequence, out var first))
                    (byHop.TryGetValue(peer.Hops, out var list) ? list : byHop[peer.Hops] = []).Add(Stopwatch.GetElapsedTime(first, at).TotalMilliseconds);
        return byHop.ToDictionary(kv => kv.Key, kv => StationBenchSupport.Median(kv.Value));
    }

    /// <summary>Crashes a third of the relays that have children; the orphans' worst gap and the survivors' continuity over the next 5 s.</summary>
    private static async Task<MeshSwarmScenario.FailoverFigures> FailoverAsync(List<BenchPeer> peers)
    {
        var relays = peers.Where(p => p.Relay!.Stats.Children > 0).ToList();
        var killed = relays.OrderBy(_ => Random.Shared.Next()).Take((relays.Count + 2) / 3).ToList();
        var killedIds = killed.Select(p => p.Relay!.PeerId).ToHashSet();
        var survivors = peers.Except(killed).ToList();
        var orphans = survivors.Where(p => p.Relay!.ParentIds.Any(killedIds.Contains)).ToList();
        var before = survivors.Select(p => p.Player.Stats).ToArray();
        var reattachesBefore = orphans.ToDictionary(p => p, p => p.Relay!.Stats.Reattaches);
        foreach (var peer in killed) await peer.CrashAsync();
        await Task.Delay(5000);
        var continuity = survivors.Select((p, i) => Continuity(before[i], p.Player.Stats)).ToList();
        // Only orphans that re-attached have a re-attach time; with two parents most keep the other one.
        var gaps = orphans.Where(p => p.Relay!.Stats.Reattaches > reattachesBefore[p]).Select(p => p.Relay!.Stats.LastReattach.TotalMilliseconds).ToList();
        var orphanStats = orphans.Select(p => (Before: before[survivors.IndexOf(p)], After: p.Player.Stats)).ToList();
        return new MeshSwarmScenario.FailoverFigures(killed.Count, orphans.Count, gaps.Count == 0 ? 0 : gaps.Max(),
            continuity.Count == 0 ? 1 : continuity.Min(), orphans.Count(p => p.Relay!.Stats.Parents > 0 || p.Relay.Stats.Direct),
            orphanStats.Count == 0 ? 1 : orphanStats.Min(o => Continuity(o.Before, o.After)),
            orphanStats.Count == 0 ? 0 : orphanStats.Max(o => (o.After.Concealed - o.Before.Concealed) * 10.0));
    }

    /// <summary>One player, relaying when <c>relay</c>; its output only notes the first sound.</summary>
    private sealed class BenchPeer : IAsyncDisposable
    {
        private readonly StationControlClient _control;
        private readonly CancellationTokenSource _stop;
        private readonly Task _running;
        private readonly List<(ushort, long)> _arrivals = [];
        private readonly long _started = Stopwatch.GetTimestamp();
        private readonly FirstSoundOutput _output = new();

        public BenchPeer(string name, StationControlClient control, MoodDJ.Abstractions.Codecs.IAudioCodec codec,
            MoodDJ.Abstractions.Transport.IStreamTransport transport, bool relay, int parents, CancellationToken stop)
        {
            _control = control;
            _stop = CancellationTokenSource.CreateLinkedTokenSource(stop);
            if (relay)
            {
                // Peers that crash rather than leave, so the failover phase measures what a crash costs.
                Relay = new MeshRelay(new MeshPeerOptions { LeaveGracefully = false, Parents = parents }, (token, newest, ct) => control.MeshParentsAsync(token, newest, ct))
                {
                    Verified = (sequence, at) =>
                    {
                        if (Timing && sequence % 25 == 0) lock (_arrivals) _arrivals.Add((sequence, at));
                    },
                };
                control.MeshKeyAnnounced += Relay.OnKey;
                control.MeshProbeRequested += Relay.OnProbe;
            }
            Player = new StationPlayer(transport, codec, _output, IPAddress.Loopback,
                (port, ct) => control.SubscribeAsync(new SubscribeParams(port, Name: name, Relay: relay ? 4 : null), ct),
                new StationPlayerOptions { JitterDepth = TimeSpan.FromMilliseconds(200), ReportInterval = TimeSpan.FromMilliseconds(500) })
            {
                Relay = Relay,
                // As `mooddj peer` does: the station learns each peer's hops and free slots from its reports,
                // and offers only peers it knows as parents.
                Report = (report, ct) => control.ReportAsync(report, ct),
            };
            if (Relay is not null)
                Relay.ReportNow = ct => Player.Subscription is { } s ? control.ReportAsync(Describe(s.Token), ct) : Task.CompletedTask;
            _running = Player.RunAsync(_stop.Token);
        }

        public StationPlayer Player { get; }

        private ReportParams Describe(string token)
        {
            var s = Player.Stats;
            return new ReportParams(token, s.Received, s.Lost, s.Late, (int)s.Buffered.TotalMilliseconds, (int)s.Target.TotalMilliseconds, Relay!.DescribeMesh());
        }
        public MeshRelay? Relay { get; }

        /// <summary>While true, every 25th packet's verification time is kept (for the per-hop latency).</summary>
        public volatile bool Timing;

        public int Hops => Relay?.Stats.Hops ?? 1;

        public List<(ushort Sequence, long At)> Arrivals
        {
            get { lock (_arrivals) return [.. _arrivals]; }
        }

        /// <summary>Stops this peer without a goodbye: its children see silence.</summary>
        public async Task CrashAsync()
        {
            _stop.Cancel();
            try { await _running; } catch (OperationCanceledException) { }
        }

        public double? FirstSoundMs => _output.FirstSound is var t and >= 0 ? Stopwatch.GetElapsedTime(_started, t).TotalMilliseconds : null;

        public async ValueTask DisposeAsync()
        {
            try { await _running; } catch (OperationCanceledException) { }
            await _control.DisposeAsync();
            Relay?.Dispose();
        }
    }
}
