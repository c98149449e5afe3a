using System.Net;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Testing;
using MoodDJ.Plugins.UdpStream;

namespace MoodDJ.Streaming.Tests;

public class ImpairmentProxyTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(20);
    private readonly UdpStreamTransport _transport = new();

    private IDatagramSocket OpenLoopback() => _transport.Open(new DatagramSocketOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0) });

    /// <summary>Sends numbered datagrams through a proxy (paced, so loopback itself drops nothing) and returns the numbers that came out.</summary>
    private async Task<(List<int> Arrived, ImpairmentStats Stats)> RunAsync(ImpairmentOptions options, int count)
    {
        using var receiver = OpenLoopback();
        using var sender = OpenLoopback();
        await using var proxy = ImpairmentProxy.Start(receiver.LocalEndPoint, options);
        using var cts = new CancellationTokenSource(Generous);
        var datagram = new byte[100];
        for (var i = 0; i < count; i++)
        {
            BitConverter.TryWriteBytes(datagram, i);
            await sender.SendToAsync(datagram, proxy.EndPoint, cts.Token);
            if (i % 20 == 19) await Task.Delay(2, cts.Token);
        }
        while (proxy.Stats.Received < count || proxy.Queued > 0) await Task.Delay(10, cts.Token);
        var stats = proxy.Stats;
        var arrived = new List<int>();
        var buffer = new byte[2048];
        for (var i = 0; i < stats.Forwarded; i++)
        {
            await receiver.ReceiveFromAsync(buffer, cts.Token);
            arrived.Add(BitConverter.ToInt32(buffer));
        }
        return (arrived, stats);
    }

    [Fact]
    public async Task Loss_and_duplication_match_their_rates_and_the_counts_add_up()
    {
        var (arrived, stats) = await RunAsync(new ImpairmentOptions { LossPercent = 10, DuplicatePercent = 10, Seed = 5 }, 2000);
        Assert.InRange(stats.Dropped, 120, 280);
        Assert.InRange(stats.Duplicated, 120, 280);
        Assert.Equal(2000 - stats.Dropped + stats.Duplicated, stats.Forwarded);
        Assert.Equal(2000 - stats.Dropped, arrived.Distinct().Count());
    }

    [Fact]
    public async Task The_same_seed_drops_the_same_datagrams()
    {
        var options = new ImpairmentOptions { LossPercent = 20, Seed = 99 };
        var (first, _) = await RunAsync(options, 500);
        var (second, _) = await RunAsync(options, 500);
        Assert.Equal(first.Order(), second.Order());
    }

    [Fact]
    public async Task Reordering_lets_later_datagrams_overtake()
    {
        var (arrived, stats) = await RunAsync(new ImpairmentOptions { ReorderPercent = 20, ReorderDelay = TimeSpan.FromMilliseconds(30), Seed = 3 }, 500);
        Assert.True(stats.Reordered > 0);
        Assert.Equal(500, arrived.Count);
        Assert.NotEqual(arrived.Order(), arrived);
    }

    [Fact]
    public async Task The_queue_is_bounded_and_overflow_is_counted()
    {
        var (arrived, stats) = await RunAsync(new ImpairmentOptions { Delay = TimeSpan.FromMilliseconds(500), MaxQueued = 50 }, 200);
        Assert.Equal(150, stats.Overflowed);
        Assert.Equal(50, arrived.Count);
    }

    [Fact]
    public void Bad_options_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => ImpairmentProxy.Start(new IPEndPoint(IPAddress.Loopback, 9), new ImpairmentOptions { LossPercent = 101 }));
        Assert.Contains("LossPercent", error.Message);
    }
}
