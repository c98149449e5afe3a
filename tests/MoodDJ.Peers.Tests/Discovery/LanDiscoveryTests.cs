using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using MoodDJ.Abstractions.Discovery;
using MoodDJ.Plugins.LanDiscovery;

namespace MoodDJ.Peers.Tests.Discovery;

/// <summary>The DNS codec, and the lan plugin loaded from its folder, on the loopback interface only (a private port, not 5353).</summary>
public sealed class LanDiscoveryTests
{
    private const string Swarm = "aabbccddeeff00112233445566778899aabbccdd";

    [Fact]
    public void A_dns_sd_response_round_trips()
    {
        var message = new DnsMessage { Id = 0, IsResponse = true };
        message.Records.Add(new DnsRecord("_mooddj._udp.local", DnsType.Ptr, 120) { Target = "x._mooddj._udp.local" });
        message.Records.Add(new DnsRecord("x._mooddj._udp.local", DnsType.Srv, 120, CacheFlush: true) { Port = 7000, Target = "h.local" });
        message.Records.Add(new DnsRecord("x._mooddj._udp.local", DnsType.Txt, 120, CacheFlush: true) { Texts = ["v=1", "swarm=" + Swarm] });
        message.Records.Add(new DnsRecord("h.local", DnsType.A, 120, CacheFlush: true) { Address = IPAddress.Parse("10.1.2.3") });
        message.Questions.Add(new DnsQuestion("_mooddj._udp.local", DnsType.Ptr, UnicastResponse: true));
        var buffer = new byte[1500];
        var read = DnsMessage.TryParse(buffer.AsSpan(0, message.Write(buffer)));
        Assert.NotNull(read);
        Assert.True(read.IsResponse);
        Assert.Equal(message.Questions, read.Questions);
        Assert.Equal("x._mooddj._udp.local", read.Records[0].Target);
        Assert.Equal((7000, "h.local", true), (read.Records[1].Port, read.Records[1].Target, read.Records[1].CacheFlush));
        Assert.Equal(["v=1", "swarm=" + Swarm], read.Records[2].Texts);
        Assert.Equal(IPAddress.Parse("10.1.2.3"), read.Records[3].Address);
    }

    [Fact]
    public void Malformed_dns_is_refused_without_throwing()
    {
        Assert.Null(DnsMessage.TryParse([1, 2, 3]));
        // One question whose name is a compression pointer to itself.
        Assert.Null(DnsMessage.TryParse([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 12, 0, 1]));
        // A record claiming more data than the packet has.
        Assert.Null(DnsMessage.TryParse([0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, (byte)'a', 0, 0, 1, 0, 1, 0, 0, 0, 9, 0, 200, 1]));
        var random = new Random(6762);
        for (int i = 0; i < 2000; i++)
        {
            var junk = new byte[random.Next(0, 80)];
            random.NextBytes(junk);
            DnsMessage.TryParse(junk); // must not throw
        }
    }

    [LoopbackMulticastFact(Timeout = 60000)]
    public async Task Two_peers_find_each_other_over_mdns_and_a_goodbye_removes_one()
    {
        using var folder = new PluginFolder("lan");
        var settings = new { lan = new { @interface = "127.0.0.1", port = PrivatePort(), browseMs = 400 } };
        await using var engineA = folder.Start("lan", settings);
        await using var engineB = folder.Start("lan", settings);
        var a = engineA.Selected<IPeerDiscovery>();
        var b = engineB.Selected<IPeerDiscovery>();

        await a.AnnounceAsync(Swarm, new IPEndPoint(IPAddress.Loopback, 7200));
        await b.AnnounceAsync(Swarm, new IPEndPoint(IPAddress.Loopback, 7201));
        await b.AnnounceAsync(new string('0', 40), new IPEndPoint(IPAddress.Loopback, 7299)); // another swarm: never listed for Swarm
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 7200)], await b.FindPeersAsync(Swarm, 10));
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 7201)], await a.FindPeersAsync(Swarm, 10));

        await a.LeaveAsync(Swarm);
        await Task.Delay(200);
        Assert.Empty(await b.FindPeersAsync(Swarm, 10));
    }

    [LoopbackMulticastFact(Timeout = 60000)]
    public async Task Junk_on_the_mdns_port_is_counted_and_browsing_still_works()
    {
        var port = PrivatePort();
        var settings = new LanDiscoverySettings { Interface = "127.0.0.1", Port = port, BrowseMs = 400 };
        await using var a = new LanPeerDiscovery(settings);
        await using var b = new LanPeerDiscovery(settings);
        await a.AnnounceAsync(Swarm, new IPEndPoint(IPAddress.Loopback, 7300));
        using (var junk = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            junk.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            for (int i = 0; i < 20; i++) junk.SendTo(new byte[] { 1, 2, 3, (byte)i }, new IPEndPoint(IPAddress.Loopback, port));
        }
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 7300)], await b.FindPeersAsync(Swarm, 10));
        Assert.True(a.MalformedPackets >= 20, $"{a.MalformedPackets} malformed counted");
    }

    private static int PrivatePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}

/// <summary>Skips, with the reason, where the loopback interface has multicast off (test.sh turns it on when run as root).</summary>
public sealed class LoopbackMulticastFactAttribute : FactAttribute
{
    public LoopbackMulticastFactAttribute()
    {
        if (!NetworkInterface.GetAllNetworkInterfaces().Any(n => n.NetworkInterfaceType == NetworkInterfaceType.Loopback && n.SupportsMulticast))
            Skip = "The loopback interface has multicast off here (turn it on with `ip link set lo multicast on`; test.sh does when run as root).";
    }
}
