using System.Diagnostics;
using System.Text.Json;
using MoodDJ.Host.Tests.Support;
using MoodDJ.Testing;
using Xunit.Abstractions;

namespace MoodDJ.Host.Tests;

/// <summary>
/// The live mesh across machines (network namespaces on a private switch, testing/NetworkLab.cs): `mooddj tracker`,
/// `mooddj server` (station:maxDirectPeers=1) and three `mooddj peer` processes each on its own host and address,
/// one of the peers behind a NAT router. Every process has its own HOME and stops with SIGTERM.
/// </summary>
public sealed class MeshLabTests(ITestOutputHelper output)
{
    [LabFact(Timeout = 300000)]
    public async Task Peers_on_their_own_hosts_play_and_a_peer_behind_nat_relays_to_children_through_hole_punching()
    {
        using var temp = new TempFolder();
        using var lab = NetworkLab.Create();
        LabHost trackerHost = lab.AddHost("tracker"), serverHost = lab.AddHost("server");
        var (natHost, natPublic) = lab.AddHostBehindNat("natpeer");
        LabHost[] openHosts = [lab.AddHost("peer1"), lab.AddHost("peer2")];
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var tracker = $"udp://{trackerHost.Address}:5700";
        string[] station = ["--server", $"{serverHost.Address}:5678", "--set", $"station:key={key}"];

        var processes = new List<RunningProcess>();
        RunningProcess Start(LabHost host, string name, params string[] args)
        {
            var home = temp.File(name);
            Directory.CreateDirectory(home);
            var p = RunningProcess.StartMooddjOn(host, home, new Dictionary<string, string?> { ["HOME"] = home, ["XDG_CONFIG_HOME"] = Path.Combine(home, ".config") }, args);
            processes.Add(p);
            return p;
        }
        RunningProcess StartPeer(LabHost host, string name) => Start(host, name, ["peer", .. station, "--output", "wav", "--quiet", "--seconds", "40",
            "--set", $"plugins:settings:outputs:wavPath={temp.File(name + ".wav")}", "--set", $"plugins:settings:tracker:trackers:0={tracker}"]);
        try
        {
            var trackerProcess = Start(trackerHost, "tracker", "tracker", "--bind", trackerHost.Address.ToString(), "--stats", "0");
            await trackerProcess.WaitForAsync("listening on udp://");
            var server = Start(serverHost, "server", "server", "--set", $"station:bind={serverHost.Address}", "--set", $"station:key={key}",
                "--set", "station:maxDirectPeers=1", "--set", $"station:tracker={tracker}", "--set", "music:preferencesFile=none");
            await server.WaitForAsync("mooddj player --join ", TimeSpan.FromSeconds(60));
            await trackerProcess.WaitForAsync($"peer {serverHost.Address}:", TimeSpan.FromSeconds(30));   // the station listed itself
            var sent = Start(serverHost, "send", ["send", "I feel happy", .. station]);
            Assert.Equal(0, await sent.WaitForExitAsync(TimeSpan.FromSeconds(60)));

            // The peer behind the NAT comes first, so the station feeds it and the others must attach to it through its NAT.
            var started = Stopwatch.StartNew();
            var nat = StartPeer(natHost, "natpeer");
            var natJoin = await FirstAudioAsync(temp.File("natpeer.wav"), started, TimeSpan.FromSeconds(60));
            output.WriteLine($"peer behind NAT: first audio {natJoin.TotalSeconds:0.00} s after `mooddj peer` started");
            var peers = openHosts.Select((h, i) => (Watch: Stopwatch.StartNew(), Process: StartPeer(h, $"peer{i + 1}"))).ToArray();
            foreach (var (watch, _) in peers)
            {
                var join = await FirstAudioAsync(temp.File($"peer{Array.FindIndex(peers, p => p.Watch == watch) + 1}.wav"), watch, TimeSpan.FromSeconds(60));
                output.WriteLine($"open peer: first audio {join.TotalSeconds:0.00} s after `mooddj peer` started");
            }

            JsonElement mesh = default;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                await Task.Delay(1000);
                var status = Start(serverHost, "status", ["status", "--json", .. station]);
                Assert.Equal(0, await status.WaitForExitAsync(TimeSpan.FromSeconds(60)));
                mesh = JsonDocument.Parse(status.StdOut).RootElement.GetProperty("mesh");
                if (mesh.GetProperty("peers").GetInt32() == 3 && mesh.GetProperty("peerList").EnumerateArray().All(p => p.GetProperty("hops").GetInt32() > 0))
                    break;
            }
            output.WriteLine(mesh.ToString());
            Assert.Equal(3, mesh.GetProperty("peers").GetInt32());
            Assert.InRange(mesh.GetProperty("directPeers").GetInt32(), 0, 1);
            // The station sees the NATed peer at its router's address; it is fed directly and relays to the others.
            var natPeer = mesh.GetProperty("peerList").EnumerateArray().Single(p => p.GetProperty("address").GetString()!.StartsWith($"{natPublic}:"));
            Assert.Equal(1, natPeer.GetProperty("hops").GetInt32());
            Assert.True(natPeer.GetProperty("children").GetInt32() >= 1, mesh.ToString());

            foreach (var p in peers.Select(p => p.Process).Prepend(nat))
                Assert.Equal(0, await p.WaitForExitAsync(TimeSpan.FromSeconds(90)));
            foreach (var name in new[] { "natpeer", "peer1", "peer2" })
            {
                var wav = Support.WavFile.Read(temp.File(name + ".wav"));
                Assert.True(wav.Seconds > 5, $"{name}.wav holds {wav.Seconds:0.0} s");
                Assert.True(wav.Samples.Max(Math.Abs) > 0.05f, $"{name}.wav is silent");
            }
        }
        catch
        {
            foreach (var p in processes) output.WriteLine(p.ToString());
            throw;
        }
        finally
        {
            for (var i = processes.Count - 1; i >= 0; i--) await processes[i].DisposeAsync();   // SIGTERM, children first
        }
    }

    /// <summary>When the peer's WAV first holds audio past its header (a cheap join-time figure, process start included).</summary>
    private static async Task<TimeSpan> FirstAudioAsync(string wav, Stopwatch since, TimeSpan timeout)
    {
        while (since.Elapsed < timeout)
        {
            if (File.Exists(wav) && new FileInfo(wav).Length > 4096) return since.Elapsed;
            await Task.Delay(50);
        }
        throw new TimeoutException($"{wav} got no audio within {timeout.TotalSeconds:0} s.");
    }
}

/// <summary>Skips, with the reason, where network namespaces or nftables cannot be used (root, `ip netns`, `nft`).</summary>
public sealed class LabFactAttribute : FactAttribute
{
    public LabFactAttribute()
    {
        if (NetworkLab.Unavailable() is { } reason) Skip = reason;
    }
}
