using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Plugins.UdpStream;

namespace MoodDJ.Streaming.Tests;

public class UdpStreamTransportTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly UdpStreamTransport _transport = new();

    private IDatagramSocket OpenLoopback(int port = 0) =>
        _transport.Open(new DatagramSocketOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, port) });

    [Fact]
    public void Binding_a_taken_port_throws_the_one_address_in_use_exception()
    {
        using var holder = OpenLoopback();
        var error = Assert.Throws<AddressInUseException>(() => OpenLoopback(holder.LocalEndPoint.Port));
        Assert.Contains(holder.LocalEndPoint.Port.ToString(), error.Message);
        Assert.Contains("another port", error.Message);
        Assert.Equal(SocketError.AddressAlreadyInUse, Assert.IsType<SocketException>(error.InnerException).SocketErrorCode);
    }

    [Fact]
    public async Task A_datagram_arrives_with_the_senders_address()
    {
        using var receiver = OpenLoopback();
        using var sender = OpenLoopback();
        using var cts = new CancellationTokenSource(Timeout);

        await sender.SendToAsync(new byte[] { 1, 2, 3 }, receiver.LocalEndPoint, cts.Token);
        var buffer = new byte[2048];
        var received = await receiver.ReceiveFromAsync(buffer, cts.Token);

        Assert.Equal(3, received.Length);
        Assert.Equal(new byte[] { 1, 2, 3 }, buffer[..3]);
        Assert.Equal(sender.LocalEndPoint, received.RemoteEndPoint);
    }

    [Fact]
    public async Task The_socket_address_paths_send_and_receive_and_reuse_the_sender_endpoint()
    {
        using var receiver = OpenLoopback();
        using var sender = OpenLoopback();
        using var cts = new CancellationTokenSource(Timeout);
        var target = receiver.LocalEndPoint.Serialize();
        var from = receiver.CreateAddressBuffer();
        var buffer = new byte[2048];

        await sender.SendToAsync(new byte[] { 9 }, target, cts.Token);
        Assert.Equal(1, await receiver.ReceiveFromAsync(buffer, from, cts.Token));
        Assert.Equal(sender.LocalEndPoint, sender.LocalEndPoint.Create(from));

        await sender.SendToAsync(new byte[] { 7, 7 }, target, cts.Token);
        await sender.SendToAsync(new byte[] { 8, 8 }, target, cts.Token);
        var first = await receiver.ReceiveFromAsync(buffer, cts.Token);
        var second = await receiver.ReceiveFromAsync(buffer, cts.Token);
        Assert.Same(first.RemoteEndPoint, second.RemoteEndPoint);
    }

    [Fact]
    public async Task A_pending_receive_ends_when_cancelled_or_disposed()
    {
        using var socket = OpenLoopback();
        using var cts = new CancellationTokenSource();
        var pending = socket.ReceiveFromAsync(new byte[2048], cts.Token).AsTask();
        cts.CancelAfter(50);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending).WaitAsync(Timeout);

        var other = OpenLoopback();
        var pending2 = other.ReceiveFromAsync(new byte[2048]).AsTask();
        await Task.Delay(50);
        other.Dispose();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending2).WaitAsync(Timeout);
    }

    [Fact]
    public async Task A_burst_of_datagrams_fits_the_sized_receive_buffer()
    {
        using var receiver = _transport.Open(new DatagramSocketOptions
        {
            LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            ReceiveBufferBytes = 4 << 20,
        });
        using var sender = OpenLoopback();
        using var cts = new CancellationTokenSource(Timeout);
        var target = receiver.LocalEndPoint.Serialize();
        var packet = new byte[894];
        for (var i = 0; i < 1500; i++)
        {
            BitConverter.TryWriteBytes(packet, i);
            await sender.SendToAsync(packet, target, cts.Token);
        }
        var buffer = new byte[2048];
        var from = receiver.CreateAddressBuffer();
        for (var i = 0; i < 1500; i++)
        {
            Assert.Equal(894, await receiver.ReceiveFromAsync(buffer, from, cts.Token));
            Assert.Equal(i, BitConverter.ToInt32(buffer));
        }
    }

    [Fact]
    public void A_unicast_address_as_multicast_group_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => _transport.Open(new DatagramSocketOptions
        {
            LocalEndPoint = new IPEndPoint(IPAddress.Any, 0),
            MulticastGroup = IPAddress.Parse("10.1.2.3"),
        }));
        Assert.Contains("not a multicast address", error.Message);
    }

    [MulticastFact]
    public async Task Two_members_of_a_multicast_group_both_receive()
    {
        var nic = MulticastFactAttribute.Interface()!;
        var group = IPAddress.Parse("239.255.77.12");
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Any, 0));
        var port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        probe.Dispose();

        DatagramSocketOptions Member() => new()
        {
            LocalEndPoint = new IPEndPoint(IPAddress.Any, port),
            MulticastGroup = group,
            MulticastInterface = nic,
            MulticastLoopback = true,
            // TTL 0: delivered to members on this host only, never transmitted on the interface
            // (tests must not send traffic off the machine).
            MulticastTimeToLive = 0,
        };
        using var a = _transport.Open(Member());
        using var b = _transport.Open(Member());
        using var sender = _transport.Open(Member() with { LocalEndPoint = new IPEndPoint(IPAddress.Any, 0) });
        using var cts = new CancellationTokenSource(Timeout);

        await sender.SendToAsync(new byte[] { 42 }, new IPEndPoint(group, port), cts.Token);
        Assert.Equal(1, (await a.ReceiveFromAsync(new byte[16], cts.Token)).Length);
        Assert.Equal(1, (await b.ReceiveFromAsync(new byte[16], cts.Token)).Length);
    }
}

/// <summary>
/// Multicast tests run on the loopback interface only: joining a group on a real interface sends
/// IGMP reports off the machine, and tests never send traffic anywhere but this host. Skips, with
/// the reason, where loopback has multicast off (test.sh turns it on when it can).
/// </summary>
public sealed class MulticastFactAttribute : FactAttribute
{
    public MulticastFactAttribute()
    {
        if (Interface() is null)
            Skip = "The loopback interface has multicast off here (turn it on with `ip link set lo multicast on`; test.sh does when run as root).";
    }

    public static IPAddress? Interface() =>
        NetworkInterface.GetAllNetworkInterfaces().Any(n =>
            n.NetworkInterfaceType == NetworkInterfaceType.Loopback && n.OperationalStatus is OperationalStatus.Up or OperationalStatus.Unknown && n.SupportsMulticast)
            ? IPAddress.Loopback
            : null;
}
