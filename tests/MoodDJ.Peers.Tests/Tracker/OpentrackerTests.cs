using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MoodDJ.Peers.Tracker;
using static MoodDJ.Peers.Tests.Tracker.TrackerFixtures;

namespace MoodDJ.Peers.Tests.Tracker;

/// <summary>Our client against Debian's opentracker, started on 127.0.0.1 and stopped with SIGTERM.</summary>
public sealed class OpentrackerTests
{
    internal const string Binary = "/usr/bin/opentracker";

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

    /// <summary>
    /// opentracker in a temporary folder it chroots to. Debian builds it with a whitelist, so the test's
    /// info-hashes are listed there; it drops root to "nobody" as it does by default.
    /// </summary>
    internal sealed class Opentracker : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _folder;

        private Opentracker(Process process, string folder, IPEndPoint endPoint)
        {
            _process = process;
            _folder = folder;
            EndPoint = endPoint;
        }

        public IPEndPoint EndPoint { get; }

        public static async Task<Opentracker> StartAsync(IEnumerable<InfoHash> whitelist)
        {
            var folder = Directory.CreateTempSubdirectory("mooddj-opentracker-").FullName;
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101); // readable after it drops root
            File.WriteAllLines(Path.Combine(folder, "whitelist.txt"), whitelist.Select(h => h.ToString()));
            File.WriteAllText(Path.Combine(folder, "opentracker.conf"), $"access.whitelist whitelist.txt\ntracker.rootdir {folder}\n");
            var port = FreeUdpPort();
            var info = new ProcessStartInfo(Binary)
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { "-i", "127.0.0.1", "-p", port.ToString(), "-P", port.ToString(), "-f", Path.Combine(folder, "opentracker.conf"), "-d", folder })
                info.ArgumentList.Add(arg);
            var process = Process.Start(info) ?? throw new InvalidOperationException("opentracker did not start");
            var tracker = new Opentracker(process, folder, new IPEndPoint(IPAddress.Loopback, port));
            // Ready when it answers a connect.
            using var probe = new UdpTrackerClient(tracker.EndPoint, new UdpTrackerClientOptions { InitialTimeout = TimeSpan.FromMilliseconds(200), MaxAttempts = 6 });
            try
            {
                await probe.ConnectAsync();
            }
            catch (TrackerException e)
            {
                await tracker.DisposeAsync();
                throw new Xunit.Sdk.XunitException($"opentracker never answered: {e.Message}\n{await process.StandardError.ReadToEndAsync()}");
            }
            return tracker;
        }

        private static int FreeUdpPort()
        {
            // TCP and UDP both on the port: pick one free for both.
            for (int i = 0; i < 20; i++)
            {
                using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
                using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try { tcp.Bind(new IPEndPoint(IPAddress.Loopback, port)); return port; }
                catch (SocketException) { }
            }
            throw new InvalidOperationException("no free port");
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) await kill!.WaitForExitAsync();
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try { await _process.WaitForExitAsync(wait.Token); }
                catch (OperationCanceledException) { _process.Kill(); }
            }
            _process.Dispose();
            try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}

/// <summary>Skips, with the reason, where Debian's opentracker is not installed.</summary>
public sealed class OpentrackerFactAttribute : FactAttribute
{
    public OpentrackerFactAttribute()
    {
        if (!File.Exists(OpentrackerTests.Binary))
            Skip = $"{OpentrackerTests.Binary} is not installed (apt-get install opentracker; test.sh does).";
    }
}
