using System.Diagnostics;
using System.Text.RegularExpressions;
using MoodDJ.Host.Tests.Support;
using MoodDJ.Peers;

namespace MoodDJ.Host.Tests;

/// <summary>
/// `mooddj tracker`, `mooddj server` (station:tracker names it) and one `mooddj peer` (its tracker discovery
/// plugin names it) meet: the tracker lists the station and the peer in the station's swarm.
/// </summary>
public sealed class MeshTrackerTests
{
    [Fact(Timeout = 180000)]
    public async Task The_station_and_a_peer_list_themselves_in_the_stations_swarm_on_the_tracker()
    {
        using var temp = new TempFolder();
        var trackerPort = FreeUdpPort();
        var tracker = $"udp://127.0.0.1:{trackerPort}";
        await using var trackerProcess = RunningProcess.StartMooddj(temp.Path, null, ["tracker", "--port", trackerPort.ToString(), "--bind", "127.0.0.1", "--stats", "0"]);
        await trackerProcess.WaitForAsync($"listening on udp://127.0.0.1:{trackerPort}");

        var port = StationJoinTests.FreeTcpPort();
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        string[] station = ["--server", $"127.0.0.1:{port}", "--set", $"station:key={key}"];
        await using var server = RunningProcess.StartMooddj(temp.Path, null, ["server", .. StationJoinTests.LoopbackFreePorts,
            "--set", $"station:controlPort={port}", "--set", $"station:key={key}", "--set", $"station:tracker={tracker}", "--set", "music:preferencesFile=none"]);
        await server.WaitForAsync("mooddj player --join ");
        var swarm = StationSwarmId.For("default", $"127.0.0.1:{port}");
        await trackerProcess.WaitForAsync($"swarm {swarm}: new", TimeSpan.FromSeconds(30));
        var stationLine = await trackerProcess.WaitForAsync($"swarm {swarm}: peer 127.0.0.1:", TimeSpan.FromSeconds(30));

        var sent = await MooddjProcess.RunAsync(temp.Path, ["send", "I feel happy", .. station]);
        Assert.True(sent.ExitCode == 0, sent.ToString());
        await using var peer = RunningProcess.StartMooddj(temp.Path, null, ["peer", .. station, "--output", "null", "--seconds", "30", "--quiet",
            "--set", $"plugins:settings:tracker:trackers:0={tracker}"]);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string[] members = [];
        while (DateTime.UtcNow < deadline && members.Length < 2)
        {
            await Task.Delay(250);
            members = Regex.Matches(trackerProcess.StdOut, $@"swarm {swarm}: peer (\S+) joined").Select(m => m.Groups[1].Value).Distinct().ToArray();
        }
        Assert.True(members.Length == 2, $"swarm members {string.Join(", ", members)}\n{trackerProcess}\n--- peer ---\n{peer}\n--- server ---\n{server}");
        Assert.All(members, m => Assert.StartsWith("127.0.0.1:", m));

        using (var kill = Process.Start("kill", ["-TERM", peer.Id.ToString()])) await kill!.WaitForExitAsync();
        await peer.WaitForExitAsync(TimeSpan.FromSeconds(30));
        // Leaving, the peer tells the tracker ("stopped").
        await trackerProcess.WaitForAsync($"left", TimeSpan.FromSeconds(15));
    }

    [OpentrackerFact(Timeout = 180000)]
    public async Task The_station_and_a_peer_meet_on_a_real_opentracker()
    {
        using var temp = new TempFolder();
        var port = StationJoinTests.FreeTcpPort();
        var swarm = StationSwarmId.For("default", $"127.0.0.1:{port}");
        // Debian's opentracker serves only whitelisted info-hashes: the station's swarm, known from its control address.
        await using var opentracker = await MoodDJ.Testing.Opentracker.StartAsync([MoodDJ.Peers.Tracker.InfoHash.FromSwarmId(swarm)]);
        var tracker = $"udp://127.0.0.1:{opentracker.EndPoint.Port}";
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        string[] station = ["--server", $"127.0.0.1:{port}", "--set", $"station:key={key}"];
        await using var server = RunningProcess.StartMooddj(temp.Path, null, ["server", .. StationJoinTests.LoopbackFreePorts,
            "--set", $"station:controlPort={port}", "--set", $"station:key={key}", "--set", $"station:tracker={tracker}", "--set", "music:preferencesFile=none"]);
        await server.WaitForAsync("mooddj player --join ");
        var sent = await MooddjProcess.RunAsync(temp.Path, ["send", "I feel happy", .. station]);
        Assert.True(sent.ExitCode == 0, sent.ToString());
        await using var peer = RunningProcess.StartMooddj(temp.Path, null, ["peer", .. station, "--output", "null", "--seconds", "40", "--quiet",
            "--set", $"plugins:settings:tracker:trackers:0={tracker}"]);

        using var client = new MoodDJ.Peers.Tracker.UdpTrackerClient(opentracker.EndPoint);
        var hash = MoodDJ.Peers.Tracker.InfoHash.FromSwarmId(swarm);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var members = 0;
        while (DateTime.UtcNow < deadline && members < 2)
        {
            await Task.Delay(500);
            var scrape = await client.ScrapeAsync([hash]);
            members = scrape[0].Seeders + scrape[0].Leechers;
        }
        Assert.True(members == 2, $"opentracker lists {members} in the station's swarm\n--- peer ---\n{peer}\n--- server ---\n{server}");
        // A newcomer announcing there is handed both: the station's stream port and the peer's.
        var found = await client.AnnounceAsync(new MoodDJ.Peers.Tracker.AnnounceParameters(hash, MoodDJ.Peers.Tracker.PeerId.NewMoodDJ(), 40001));
        Assert.True(found.Peers.Count(p => p.Address.Equals(System.Net.IPAddress.Loopback) && p.Port != 40001) >= 2, string.Join(", ", found.Peers));
    }

    private static int FreeUdpPort()
    {
        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        probe.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)probe.LocalEndPoint!).Port;
    }
}

/// <summary>Skips, with the reason, where Debian's opentracker is not installed.</summary>
public sealed class OpentrackerFactAttribute : FactAttribute
{
    public OpentrackerFactAttribute()
    {
        if (MoodDJ.Testing.Opentracker.Missing is { } why) Skip = why;
    }
}
