using System.Net;
using System.Net.Sockets;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Station;
using MoodDJ.Client;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Plugins.UdpStream;

namespace MoodDJ.Station.Tests.Station;

public class RtpFanoutTests
{
    /// <summary>Marks each packet by XOR-ing its last byte with a per-listener value (a stand-in key, to prove per-listener protection).</summary>
    private sealed class TagProtector(byte tag) : IRtpProtector
    {
        public int Overhead => 1;
        public int Protect(Span<byte> packet, int rtpLength)
        {
            packet[rtpLength] = tag;
            return rtpLength + 1;
        }
    }

    [Theory]
    [InlineData(true)]    // synchronous, batched with sendmmsg
    [InlineData(false)]   // the transport's async sends
    public void Every_listener_gets_its_own_protected_copy_and_a_dead_port_does_not_stop_the_others(bool direct)
    {
        using var sender = new UdpStreamTransport().Open(new DatagramSocketOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0) });
        var counters = new StationCounters();
        var fanout = new RtpFanout(sender, counters, CancellationToken.None, direct: direct);
        var registry = new ListenerRegistry(10, 10, TimeSpan.FromSeconds(30));

        using var a = Receiver();
        using var b = Receiver();
        int deadPort;
        using (var dead = Receiver()) deadPort = ((IPEndPoint)dead.LocalEndPoint!).Port;   // closed: ICMP port unreachable
        registry.TryAdd("x", (IPEndPoint)a.LocalEndPoint!, new TagProtector(0xA1), out _);
        registry.TryAdd("x", new IPEndPoint(IPAddress.Loopback, deadPort), new TagProtector(0xDD), out _);
        registry.TryAdd("x", (IPEndPoint)b.LocalEndPoint!, new TagProtector(0xB2), out _);

        var rtp = new byte[100];
        for (var i = 0; i < 50; i++)
        {
            rtp[0] = (byte)i;
            fanout.Send(rtp, registry.Snapshot);
        }

        var buffer = new byte[2000];
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(101, a.Receive(buffer));
            Assert.Equal((byte)i, buffer[0]);
            Assert.Equal(0xA1, buffer[100]);
            Assert.Equal(101, b.Receive(buffer));
            Assert.Equal((byte)i, buffer[0]);
            Assert.Equal(0xB2, buffer[100]);
        }
        Assert.True(counters.PacketsSent >= 100);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Split_across_two_threads_every_listener_still_gets_every_frame_with_its_own_protection(bool direct)
    {
        using var sender = new UdpStreamTransport().Open(new DatagramSocketOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0) });
        var counters = new StationCounters();
        using var stopping = new CancellationTokenSource();
        var fanout = new RtpFanout(sender, counters, stopping.Token, parallelThreshold: 2, direct: direct);
        var registry = new ListenerRegistry(256, 256, TimeSpan.FromSeconds(30));
        // 150 listeners: more than one sendmmsg batch of 64 on each thread.
        var receivers = Enumerable.Range(0, 150).Select(_ => Receiver()).ToArray();
        try
        {
            for (var i = 0; i < receivers.Length; i++)
                Assert.NotNull(registry.TryAdd("x", (IPEndPoint)receivers[i].LocalEndPoint!, new TagProtector((byte)i), out _));

            var rtp = new byte[100];
            var started = 0;
            for (var frame = 0; frame < 20; frame++)
            {
                rtp[0] = (byte)frame;
                started += fanout.Send(rtp, registry.Snapshot);
            }
            stopping.Cancel();   // the helper thread ends with the station

            // Loopback sends complete at once, so no listener was busy: every send started.
            Assert.Equal(20 * receivers.Length, started);
            var buffer = new byte[2000];
            for (var i = 0; i < receivers.Length; i++)
            {
                for (var frame = 0; frame < 20; frame++)
                {
                    Assert.Equal(101, receivers[i].Receive(buffer));
                    Assert.Equal((byte)frame, buffer[0]);
                    Assert.Equal((byte)i, buffer[100]);
                }
            }
            if (direct) Assert.Equal(20 * receivers.Length, counters.PacketsSent);   // counted when each batch returns
        }
        finally
        {
            foreach (var r in receivers) r.Dispose();
        }
    }

    private static Socket Receiver()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 5000, ReceiveBufferSize = 1 << 20 };
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }
}

/// <summary>Runs only in an optimized build: in Debug the compiler makes every async state machine a class, so each send allocates.</summary>
public sealed class ReleaseOnlyFactAttribute : FactAttribute
{
    public ReleaseOnlyFactAttribute()
    {
#if DEBUG
        Skip = "Allocation counts need an optimized build (async state machines are classes in Debug): dotnet test -c Release";
#endif
    }
}

/// <summary>Allocation counts; test.sh runs this category again in Release (<c>--filter Category=Allocation</c>), where they are not skipped.</summary>
[Trait("Category", "Allocation")]
public class RtpFanoutAllocationTests
{
    [ReleaseOnlyFact]
    public void Fanning_out_to_listeners_with_srtp_allocates_nothing_per_packet_in_steady_state()
    {
        using var sender = new UdpStreamTransport().Open(new DatagramSocketOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0) });
        var fanout = new RtpFanout(sender, new StationCounters(), CancellationToken.None);
        var registry = new ListenerRegistry(100, 100, TimeSpan.FromSeconds(30));
        var receivers = new List<Socket>();
        for (var i = 0; i < 20; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 4 << 20 };
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            receivers.Add(socket);
            registry.TryAdd("x", (IPEndPoint)socket.LocalEndPoint!, new SrtpProtector(MoodDJ.Media.Srtp.SrtpKeys.Generate()), out _);
        }
        var rtp = new byte[12 + 882];
        rtp[0] = 0x80;
        var listeners = registry.Snapshot;
        for (var i = 0; i < 50; i++) { rtp[3] = (byte)i; fanout.Send(rtp, listeners); }   // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 200; i++)
        {
            // Paced like the pump (a frame per tick), so sends complete at once as they do live.
            rtp[3] = (byte)(50 + i);
            fanout.Send(rtp, listeners);
            Thread.Sleep(1);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        foreach (var r in receivers) r.Dispose();
        // 4,000 protected sends: a per-packet allocation would show as tens of kilobytes at least.
        Assert.True(allocated < 1024, $"{allocated} bytes allocated for 4000 sends");
    }
}
