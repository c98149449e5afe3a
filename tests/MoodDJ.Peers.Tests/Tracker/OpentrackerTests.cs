using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MoodDJ.Peers.Tracker;
using MoodDJ.Testing;
using static MoodDJ.Peers.Tests.Tracker.TrackerFixtures;

namespace MoodDJ.Peers.Tests.Tracker;

/// <summary>Our client against Debian's opentracker, started on 127.0.0.1 and stopped with SIGTERM.</summary>
public sealed class OpentrackerTests
{
    [OpentrackerFact(Timeout = 60000)]
    public async Task Two_peers_announced_to_opentracker_see_each_other_and_scrape_counts_them()
    {
        var hash = Hash('7');
        await using var tracker = await Opentracker.StartAsync([hash]);
        var options = new UdpTrackerClientOptions { InitialTimeout = TimeSpan.FromMilliseconds(500), MaxAttempts = 5 };
        using var a = new UdpTrackerClient(tracker.EndPoint, options);
        using var b = new UdpTrackerClient(tracker.EndPoint, options);

        await a.AnnounceAsync(Announce(hash, 6881));
        var second = await b.AnnounceAsync(Announce(hash, 6882));
        Assert.Contains(new IPEndPoint(IPAddress.Loopback, 6881), second.Peers);
        var first = await a.AnnounceAsync(Announce(hash, 6881, AnnounceEvent.None));
        Assert.Contains(new IPEndPoint(IPAddress.Loopback, 6882), first.Peers);
        Assert.True(first.Interval > TimeSpan.Zero);

        var scrape = await a.ScrapeAsync([hash]);
        Assert.Equal(2, scrape[0].Leechers + scrape[0].Seeders);

        await b.AnnounceAsync(Announce(hash, 6882, AnnounceEvent.Stopped));
        var after = await a.AnnounceAsync(Announce(hash, 6881, AnnounceEvent.None));
        Assert.DoesNotContain(new IPEndPoint(IPAddress.Loopback, 6882), after.Peers);
    }
}

/// <summary>Skips, with the reason, where Debian's opentracker is not installed.</summary>
public sealed class OpentrackerFactAttribute : FactAttribute
{
    public OpentrackerFactAttribute()
    {
        if (MoodDJ.Testing.Opentracker.Missing is { } why)
            Skip = why;
    }
}
