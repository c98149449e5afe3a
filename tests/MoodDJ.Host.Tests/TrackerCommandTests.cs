using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MoodDJ.Host.Tests.Support;
using MoodDJ.Peers.Tracker;

namespace MoodDJ.Host.Tests;

/// <summary>`mooddj tracker` started as a user would, answering our BEP 15 client, stopped with SIGTERM.</summary>
public class TrackerCommandTests
{
    [Fact(Timeout = 120000)]
    public async Task The_tracker_command_answers_announces_prints_peers_and_stats_and_stops_on_sigterm()
    {
        using var temp = new TempFolder();
        var port = FreeUdpPort();
        await using var tracker = RunningProcess.StartMooddj(temp.Path, null, ["tracker", "--port", port.ToString(), "--bind", "127.0.0.1", "--stats", "1"]);
        await tracker.WaitForAsync($"listening on udp://127.0.0.1:{port}");

        var hash = InfoHash.FromSwarmId(new string('5', 40));
        var options = new UdpTrackerClientOptions { InitialTimeout = TimeSpan.FromSeconds(1), MaxAttempts = 4 };
        using var a = new UdpTrackerClient(new IPEndPoint(IPAddress.Loopback, port), options);
        using var b = new UdpTrackerClient(new IPEndPoint(IPAddress.Loopback, port), options);
        await a.AnnounceAsync(new AnnounceParameters(hash, PeerId.NewMoodDJ(), 6001) { Event = AnnounceEvent.Started });
        var second = await b.AnnounceAsync(new AnnounceParameters(hash, PeerId.NewMoodDJ(), 6002) { Event = AnnounceEvent.Started });
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 6001)], second.Peers);
        Assert.Equal(TimeSpan.FromSeconds(60), second.Interval);

        await tracker.WaitForAsync($"swarm {hash}: new");
        await tracker.WaitForAsync($"swarm {hash}: peer 127.0.0.1:6002 joined");
        await tracker.WaitForAsync("stats: 1 swarms, 2 peers");

        using (var kill = Process.Start("kill", ["-TERM", tracker.Id.ToString()])) await kill!.WaitForExitAsync();
        Assert.Equal(0, await tracker.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("tracker: stopping", tracker.StdOut);
        Assert.Equal("", tracker.StdErr.Trim());
    }

    [Fact(Timeout = 120000)]
    public async Task Bound_to_the_IPv6_loopback_the_tracker_lists_IPv6_peers()
    {
        if (!Socket.OSSupportsIPv6) return; // nothing to test on a machine without IPv6
        using var temp = new TempFolder();
        var port = FreeUdpPort();
        await using var tracker = RunningProcess.StartMooddj(temp.Path, null, ["tracker", "--port", port.ToString(), "--bind", "::1", "--stats", "0"]);
        await tracker.WaitForAsync($"listening on udp://[::1]:{port}");
        var hash = InfoHash.FromSwarmId(new string('6', 40));
        var options = new UdpTrackerClientOptions { InitialTimeout = TimeSpan.FromSeconds(1), MaxAttempts = 4 };
        using var a = new UdpTrackerClient(new IPEndPoint(IPAddress.IPv6Loopback, port), options);
        using var b = new UdpTrackerClient(new IPEndPoint(IPAddress.IPv6Loopback, port), options);
        await a.AnnounceAsync(new AnnounceParameters(hash, PeerId.NewMoodDJ(), 6001) { Event = AnnounceEvent.Started });
        var second = await b.AnnounceAsync(new AnnounceParameters(hash, PeerId.NewMoodDJ(), 6002) { Event = AnnounceEvent.Started });
        Assert.Equal([new IPEndPoint(IPAddress.IPv6Loopback, 6001)], second.Peers);
        await tracker.WaitForAsync($"swarm {hash}: peer [::1]:6002 joined");
    }

    [Fact(Timeout = 60000)]
    public async Task A_bad_limit_is_named_by_its_option()
    {
        using var temp = new TempFolder();
        var result = await MooddjProcess.RunAsync(temp.Path, "tracker", "--port", "0", "--bind", "127.0.0.1", "--max-numwant", "0");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("mooddj: error: --max-numwant: must be 1..200", result.StdErr);
    }

    private static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
