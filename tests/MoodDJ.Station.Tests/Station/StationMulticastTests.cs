using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using MoodDJ.Media.Srtp;
using MoodDJ.Media;
using MoodDJ.Client;
using MoodDJ.Station.Tests.Station.Support;

namespace MoodDJ.Station.Tests.Station;

/// <summary>
/// The LAN option: the station also sends every frame to a multicast group, sealed with one shared
/// SRTP key that only its SDP (handed out over the sealed control channel) carries. Runs on the
/// loopback interface with TTL 0, so nothing leaves the machine.
/// </summary>
public sealed class StationMulticastTests
{
    private static readonly IPAddress Group = IPAddress.Parse("239.255.42.7");

    [LoopbackMulticastFact]
    public async Task A_group_member_decrypts_the_stations_multicast_feed_with_the_key_from_its_sdp()
    {
        var port = FreeUdpPort();
        using var member = JoinGroup(port);
        await using var harness = await StartStationSendingTo(port);

        var sdp = SdpDescription.Parse(harness.Station.DescribeMulticast()!);
        Assert.Equal(Group.ToString(), sdp.ConnectionAddress);
        Assert.Equal(port, sdp.Port);
        Assert.NotNull(sdp.Crypto);
        var srtp = SrtpContext.Create(SrtpKeys.FromInlineBase64(sdp.Crypto!.InlineKey));

        var buffer = new byte[2048];
        var sequences = new List<ushort>();
        while (sequences.Count < 20)
        {
            var length = member.Receive(buffer);
            Assert.True(srtp.TryUnprotect(buffer, length, out var rtpLength), "a multicast packet failed SRTP authentication");
            Assert.True(RtpHeader.TryParse(buffer.AsSpan(0, rtpLength), out var header));
            Assert.Equal(harness.Station.Ssrc, header.Ssrc);
            sequences.Add(header.SequenceNumber);
        }
        // One packet per frame, in order, as the pump paces them.
        for (var i = 1; i < sequences.Count; i++)
            Assert.Equal((ushort)(sequences[i - 1] + 1), sequences[i]);
    }

    [LoopbackMulticastFact]
    public async Task Without_the_groups_key_the_multicast_feed_does_not_authenticate()
    {
        var port = FreeUdpPort();
        using var member = JoinGroup(port);
        await using var harness = await StartStationSendingTo(port);

        var stranger = SrtpContext.Create(SrtpKeys.Generate());
        var buffer = new byte[2048];
        var length = member.Receive(buffer);
        Assert.False(stranger.TryUnprotect(buffer, length, out _));
    }

    /// <summary>A group member on the loopback interface (bound to the group, so only its traffic arrives).</summary>
    private static Socket JoinGroup(int port)
    {
        var member = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 10_000 };
        member.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        member.Bind(new IPEndPoint(Group, port));
        member.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(Group, IPAddress.Loopback));
        return member;
    }

    private static Task<StationHarness> StartStationSendingTo(int port) => StationHarness.StartAsync("aead", s =>
    {
        s["station:multicastGroup"] = Group.ToString();
        s["station:multicastPort"] = port.ToString();
        s["station:multicastTimeToLive"] = "0";   // stays on this host
    });

    private static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}

/// <summary>Skips, with the reason, where the loopback interface has multicast off (test.sh turns it on).</summary>
public sealed class LoopbackMulticastFactAttribute : FactAttribute
{
    public LoopbackMulticastFactAttribute()
    {
        var on = NetworkInterface.GetAllNetworkInterfaces().Any(n =>
            n.NetworkInterfaceType == NetworkInterfaceType.Loopback && n.SupportsMulticast);
        if (!on)
            Skip = "The loopback interface has multicast off here (turn it on with `ip link set lo multicast on`; test.sh does when run as root).";
    }
}
