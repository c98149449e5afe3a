using System.Diagnostics;
using System.Net;
using MoodDJ.Peers.Tracker;
using static MoodDJ.Peers.Tests.Tracker.TrackerFixtures;

namespace MoodDJ.Peers.Tests.Tracker;

/// <summary>Our tracker serves a real BitTorrent client: python3-libtorrent announces to it, and each side sees the other.</summary>
public sealed class LibtorrentTrackerTests
{
    private const string Python = "/usr/bin/python3";

    private const string Script = """
        import libtorrent as lt, sys, time
        port, ih = int(sys.argv[1]), sys.argv[2]
        s = lt.session({'listen_interfaces': '127.0.0.1:0', 'enable_dht': False, 'enable_lsd': False, 'enable_upnp': False,
                        'enable_natpmp': False, 'alert_mask': lt.alert.category_t.tracker_notification | lt.alert.category_t.error_notification})
        p = lt.parse_magnet_uri(f"magnet:?xt=urn:btih:{ih}&tr=udp://127.0.0.1:{port}")
        p.save_path = sys.argv[3]
        s.add_torrent(p)
        deadline = time.time() + 30
        while time.time() < deadline:
            for a in s.pop_alerts():
                if isinstance(a, lt.tracker_error_alert):
                    print("ERROR", a.message(), flush=True); sys.exit(1)
                if isinstance(a, lt.tracker_reply_alert):
                    print("LISTEN", s.listen_port(), "REPLY", a.message(), flush=True)
                    sys.stdin.readline()
                    sys.exit(0)
            time.sleep(0.05)
        print("TIMEOUT", flush=True); sys.exit(2)
        """;

    [LibtorrentFact(Timeout = 90000)]
    public async Task Libtorrent_announces_to_our_tracker_and_the_peers_see_each_other()
    {
        await using var server = StartServer();
        using var ours = TrackerClient(server);
        var hash = Hash('9');
        await ours.AnnounceAsync(Announce(hash, 6001));

        var folder = Directory.CreateTempSubdirectory("mooddj-libtorrent-").FullName;
        Process? python = null;
        try
        {
            File.WriteAllText(Path.Combine(folder, "announce.py"), Script);
            var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            foreach (var a in new[] { Path.Combine(folder, "announce.py"), server.LocalEndPoint.Port.ToString(), hash.ToString(), folder }) info.ArgumentList.Add(a);
            python = Process.Start(info)!;
            var replied = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var errors = new System.Text.StringBuilder();
            python.OutputDataReceived += (_, e) => { if (e.Data is { } l) replied.TrySetResult(l); };
            python.ErrorDataReceived += (_, e) => { lock (errors) errors.AppendLine(e.Data); };
            python.BeginOutputReadLine();
            python.BeginErrorReadLine();
            if (await Task.WhenAny(replied.Task, Task.Delay(TimeSpan.FromSeconds(40))) != replied.Task)
            {
                Assert.Fail($"libtorrent never reported a tracker reply: {errors}; tracker: {server.Counters}");
            }
            var line = await replied.Task;
            Assert.True(line.StartsWith("LISTEN ", StringComparison.Ordinal), $"{line}\n{errors}");
            Assert.Contains("received peers: 1", line); // it got ours
            var listen = int.Parse(line.Split(' ')[1]);

            var seen = await ours.AnnounceAsync(Announce(hash, 6001, AnnounceEvent.None));
            Assert.Contains(new IPEndPoint(IPAddress.Loopback, listen), seen.Peers);

            python.StandardInput.WriteLine();
            await python.WaitForExitAsync();
        }
        finally
        {
            // A failed assertion must not leave it waiting on stdin: SIGTERM, as every background process here.
            if (python is { HasExited: false })
                using (var kill = Process.Start("kill", ["-TERM", python.Id.ToString()])) kill!.WaitForExit();
            python?.Dispose();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }
}

/// <summary>Skips, with the reason, where Debian's python3-libtorrent is not importable by /usr/bin/python3.</summary>
public sealed class LibtorrentFactAttribute : FactAttribute
{
    public LibtorrentFactAttribute()
    {
        if (!File.Exists("/usr/lib/python3/dist-packages/libtorrent.egg-info") && !Directory.Exists("/usr/lib/python3/dist-packages/libtorrent.egg-info"))
            Skip = "python3-libtorrent is not installed (apt-get install python3-libtorrent).";
    }
}
