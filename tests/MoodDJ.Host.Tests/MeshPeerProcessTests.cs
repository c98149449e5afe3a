using System.Text.Json;
using MoodDJ.Host.Tests.Support;

namespace MoodDJ.Host.Tests;

/// <summary>
/// The live relay mesh as a user runs it: `mooddj server` feeding at most one peer itself, three
/// `mooddj peer` processes (dotnet mooddj.dll) that each write a WAV, and `mooddj status --json`.
/// </summary>
public sealed class MeshPeerProcessTests
{
    [Fact]
    public async Task Three_peers_each_write_music_while_status_shows_at_most_S_direct_peers()
    {
        using var temp = new TempFolder();
        var (server, station) = await StartServerFeedingOnePeerAsync(temp);
        await using var _ = server;
        var sent = await MooddjProcess.RunAsync(temp.Path, ["send", "I feel happy", .. station]);
        Assert.True(sent.ExitCode == 0, sent.ToString());

        var peers = Enumerable.Range(1, 3).Select(i => RunningProcess.StartMooddj(temp.Path, null, ["peer", .. station, "--output", "wav",
            "--set", $"plugins:settings:outputs:wavPath={temp.File($"peer{i}.wav")}", "--seconds", "25", "--quiet"])).ToList();
        try
        {
            // Every peer is in the mesh with a place (the direct one or a child) before the status is read.
            JsonElement mesh = default;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                await Task.Delay(1000);
                var status = await MooddjProcess.RunAsync(temp.Path, ["status", "--json", .. station]);
                Assert.True(status.ExitCode == 0, status.ToString());
                mesh = JsonDocument.Parse(status.StdOut).RootElement.GetProperty("mesh");
                // The egress rate is sampled once a second, so it can lag a mesh that formed within the last second or two.
                if (mesh.GetProperty("peers").GetInt32() == 3 && mesh.GetProperty("peerList").EnumerateArray().All(p => p.GetProperty("hops").GetInt32() > 0)
                    && mesh.GetProperty("egressPacketsPerSecond").GetDouble() > 50)
                    break;
            }
            Assert.Equal(3, mesh.GetProperty("peers").GetInt32());
            Assert.InRange(mesh.GetProperty("directPeers").GetInt32(), 1, 1);
            Assert.Contains(mesh.GetProperty("peerList").EnumerateArray(), p => p.GetProperty("hops").GetInt32() == 2);
            // One stream leaves the server (100 packets/s of 10 ms frames), not three.
            Assert.InRange(mesh.GetProperty("egressPacketsPerSecond").GetDouble(), 50, 150);

            foreach (var peer in peers)
                Assert.Equal(0, await peer.WaitForExitAsync(TimeSpan.FromSeconds(90)));
        }
        finally
        {
            foreach (var peer in peers) await peer.DisposeAsync();
        }
        for (var i = 1; i <= 3; i++)
        {
            var wav = WavFile.Read(temp.File($"peer{i}.wav"));
            Assert.True(wav.Seconds > 5, $"peer{i}.wav holds {wav.Seconds:0.0} s");
            Assert.True(wav.Samples.Max(Math.Abs) > 0.05f, $"peer{i}.wav is silent");
        }
    }

    /// <summary>
    /// A peer whose whole process stops for longer than peer:parentSilenceMs (SIGSTOP here; the OS
    /// descheduling it on a loaded machine in life) must not take its parent for dead when it runs
    /// again: the datagrams that queued meanwhile are still to be read. It used to drop the parent
    /// and spend up to seconds re-attaching.
    /// </summary>
    [Fact]
    public async Task A_peer_stopped_for_longer_than_the_parent_silence_keeps_its_parent()
    {
        using var temp = new TempFolder();
        var (server, station) = await StartServerFeedingOnePeerAsync(temp);
        await using var _ = server;
        await using var parent = RunningProcess.StartMooddj(temp.Path, null, ["peer", .. station, "--output", "null", "--seconds", "40", "--quiet"]);
        await WaitForMeshAsync(temp.Path, station, peers: 1);
        await using var child = RunningProcess.StartMooddj(temp.Path, null, ["peer", .. station, "--output", "null", "--seconds", "14", "--quiet"]);
        await WaitForMeshAsync(temp.Path, station, peers: 2);   // with one direct peer allowed, the second is the first one's child
        await Task.Delay(2000);

        for (var i = 0; i < 3; i++)
        {
            Signal("STOP", child.Id);
            await Task.Delay(700);   // parentSilenceMs is 250 by default
            Signal("CONT", child.Id);
            await Task.Delay(1500);
        }

        Assert.Equal(0, await child.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var summary = (child.StdOut + child.StdErr).Split('\n').LastOrDefault(l => l.StartsWith("relay:", StringComparison.Ordinal)) ?? child.ToString();
        Assert.True(summary.Contains("re-attaches 0 ", StringComparison.Ordinal), child.ToString());
    }

    /// <summary>`mooddj server` that feeds at most one peer itself, and the options that reach it.</summary>
    private static async Task<(RunningProcess Server, string[] Station)> StartServerFeedingOnePeerAsync(TempFolder temp)
    {
        var port = StationJoinTests.FreeTcpPort();
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var server = RunningProcess.StartMooddj(temp.Path, null, ["server", .. StationJoinTests.LoopbackFreePorts,
            "--set", $"station:controlPort={port}", "--set", $"station:key={key}", "--set", "station:maxDirectPeers=1", "--set", "music:preferencesFile=none"]);
        try
        {
            await server.WaitForAsync("mooddj player --join ");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return (server, ["--server", $"127.0.0.1:{port}", "--set", $"station:key={key}"]);
    }

    private static async Task WaitForMeshAsync(string folder, string[] station, int peers)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            var status = await MooddjProcess.RunAsync(folder, ["status", "--json", .. station]);
            if (status.ExitCode != 0) continue;
            var mesh = JsonDocument.Parse(status.StdOut).RootElement.GetProperty("mesh");
            if (mesh.GetProperty("peers").GetInt32() == peers && mesh.GetProperty("peerList").EnumerateArray().All(p => p.GetProperty("hops").GetInt32() > 0))
                return;
        }
        Assert.Fail($"the mesh never showed {peers} placed peer(s)");
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
