using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MoodDJ.Station;

namespace MoodDJ.Bench;

/// <summary>
/// The relay mesh against every peer pulling from the server, side by side in one run: N peers
/// (10, 50, 100) in a child process (so their threads cannot starve the station's pump), each
/// losing 0, 5 or 10 % of everything it receives. `pull` subscribes N plain players; `mesh` N
/// relaying peers with station:maxDirectPeers = S. For each row: the station's egress (packets/s and
/// streams), the station's CPU, each peer's continuity over the window (frames played from packets /
/// frames played), the hops, and the time from a peer's start to its first sound. Egress counts the
/// station's resends after nacks too. Mesh rows also give the latency each hop adds (when a peer
/// verified a packet against when the first peer fed by the station did, on one clock) and a
/// failover phase: a third of the relays with children crash, and the orphans' worst gap and the
/// survivors' continuity over the next 5 s are reported, and for the orphans (peers that lost a parent) their
/// continuity and the audio they concealed over those 5 s. `--parents 1,2` runs the mesh rows once per
/// parent count: with two parents a peer that loses one keeps the other, so the orphans' gap should be 0.
/// `dotnet run -c Release --project bench/MoodDJ.Bench -- mesh-swarm [--peers 10,50,100] [--loss 0,5,10] [--direct 4] [--seconds 20] [--parents 1,2] [--modes pull,mesh]`
/// </summary>
public sealed class MeshSwarmScenario : IBenchScenario
{
    public string Name => "mesh-swarm";

    public async Task<int> RunAsync(string[] args)
    {
        var peers = List(args, "--peers", [10, 50, 100]);
        var losses = List(args, "--loss", [0, 5, 10]);
        var direct = List(args, "--direct", [4])[0];
        var seconds = List(args, "--seconds", [20])[0];
        var parentCounts = List(args, "--parents", [1]);
        var modes = Array.IndexOf(args, "--modes") is var m and >= 0 && m + 1 < args.Length ? args[m + 1].Split(',') : ["pull", "mesh"];
        Console.WriteLine($"mesh against pull: L16 44.1 kHz mono 10 ms (100 packets/s), aead; mesh S = {direct}, K = 4, parents {string.Join(" and ", parentCounts)}; " +
            $"peers in a child process; {seconds} s window after all joined; load {LoadAverage()}");
        Console.WriteLine("peers | loss | mode | egress pkt/s | streams | station CPU | continuity median / min | hops max | first sound median / max");
        foreach (var n in peers)
            foreach (var loss in losses)
                foreach (var mode in modes)
                    foreach (var parents in mode == "mesh" ? parentCounts : [1])
                        await MeasureAsync(n, loss, mode, direct, seconds, parents);
        Console.WriteLine($"load after: {LoadAverage()}");
        return 0;
    }

    private static async Task MeasureAsync(int peers, int lossPercent, string mode, int direct, int seconds, int parents)
    {
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var engine = StationBenchSupport.StartEngine("aead", ("station:key", key),
            ("station:maxDirectPeers", (mode == "mesh" ? direct : peers).ToString(CultureInfo.InvariantCulture)),
            ("station:maxListeners", (peers + 10).ToString(CultureInfo.InvariantCulture)));
        await using var station = StationFactory.Create(engine);
        await station.StartAsync();
        await station.Default.PromptAsync("I feel happy");

        var child = Process.Start(new ProcessStartInfo("dotnet",
            [typeof(MeshSwarmScenario).Assembly.Location, "mesh-swarm-peers", station.ControlEndPoint.ToString()!, key, mode,
             peers.ToString(CultureInfo.InvariantCulture), (lossPercent / 100.0).ToString(CultureInfo.InvariantCulture), seconds.ToString(CultureInfo.InvariantCulture),
             parents.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        })!;
        // The child says "measuring" once every peer has sound and the warm-up is over, then "done" with its figures.
        var line = await child.StandardOutput.ReadLineAsync();
        if (line != "measuring") throw new InvalidOperationException($"the peer process said '{line}'");
        var self = Process.GetCurrentProcess();
        var (sent0, cpu0) = (station.Counters.PacketsSent + station.Counters.MeshResent, self.TotalProcessorTime);
        var watch = Stopwatch.StartNew();
        var result = await child.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("the peer process ended early");
        self.Refresh();
        var elapsed = watch.Elapsed.TotalSeconds;
        var (sent1, cpu1) = (station.Counters.PacketsSent + station.Counters.MeshResent, self.TotalProcessorTime);
        await child.WaitForExitAsync();

        var swarm = JsonSerializer.Deserialize<SwarmFigures>(result)!;
        var figures = swarm.Peers;
        var egress = (sent1 - sent0) / elapsed;
        var continuity = figures.Select(f => f.Continuity).ToList();
        var firstSound = figures.Select(f => f.FirstSoundMs).Where(ms => ms >= 0).ToList();
        var silent = figures.Length - firstSound.Count;
        Console.WriteLine($"{peers,5} | {lossPercent,3} % | {(parents > 1 ? $"{mode}×{parents}" : mode)} | {egress,12:N0} | {egress / 100,7:0.0} | {(cpu1 - cpu0).TotalSeconds / elapsed,9:P0} | " +
            $"{StationBenchSupport.Median(continuity),9:0.0000} / {continuity.Min():0.0000} | {figures.Max(f => f.Hops),8} | " +
            $"{StationBenchSupport.Median(firstSound),6:0} ms / {(firstSound.Count == 0 ? double.NaN : firstSound.Max()):0} ms" +
            (silent > 0 ? $"  ({silent} never had sound within 60 s)" : ""));
        if (swarm.HopLatencyMs.Count > 0)
            Console.WriteLine("      per hop, after the first peer fed by the station (median): " +
                string.Join(", ", swarm.HopLatencyMs.OrderBy(kv => kv.Key).Select(kv => $"hop {kv.Key} +{kv.Value:0.00} ms")));
        if (swarm.Failover is { } f)
            Console.WriteLine($"      failover: {f.Killed} relays crashed, {f.Orphans} orphans ({f.OrphansReattached} re-attached), " +
                $"worst gap {f.WorstGapMs:0} ms after the {new MoodDJ.Peers.Mesh.MeshPeerOptions().ParentSilence.TotalMilliseconds:0} ms silence, survivors' continuity over 5 s ≥ {f.SurvivorContinuityMin:0.0000}; " +
                $"orphans' continuity over 5 s ≥ {f.OrphanContinuityMin:0.0000}, audio concealed at most {f.OrphanConcealedMsMax:0} ms");
    }

    /// <summary>One peer's figures; <c>FirstSoundMs</c> is -1 for a peer that never had sound.</summary>
    internal sealed record PeerFigures(double Continuity, int Hops, double FirstSoundMs);

    /// <summary>WorstGapMs: the longest re-attach (a peer that kept another parent never re-attaches); OrphanConcealedMsMax: 10 ms per concealed frame.</summary>
    internal sealed record FailoverFigures(int Killed, int Orphans, double WorstGapMs, double SurvivorContinuityMin, int OrphansReattached,
        double OrphanContinuityMin, double OrphanConcealedMsMax);

    internal sealed record SwarmFigures(PeerFigures[] Peers, Dictionary<int, double> HopLatencyMs, FailoverFigures? Failover);

    private static int[] List(string[] args, string name, int[] fallback)
    {
        var i = Array.IndexOf(args, name);
        return i < 0 || i + 1 >= args.Length ? fallback : args[i + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
    }

    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
