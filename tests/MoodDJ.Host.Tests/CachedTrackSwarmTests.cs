using System.Diagnostics;
using MoodDJ.Host.Tests.Support;

namespace MoodDJ.Host.Tests;

/// <summary>
/// A torrent for every cached track, end to end with separate processes on 127.0.0.1: `mooddj server` plays a
/// youtube-source track (yt-dlp's generic extractor on a local HTTP file) with the source's cache folder set, so
/// the track lands in the cache; the server seeds it (swarm:cacheFolder) and announces its info-hash to
/// `mooddj tracker`; a second MoodDJ (`mooddj fetch` with only the info-hash) finds it through the tracker and
/// downloads the same bytes.
/// </summary>
public sealed class CachedTrackSwarmTests
{
    [Fact(Timeout = 180000)]
    public async Task A_track_the_station_cached_is_seeded_and_a_second_mooddj_fetches_it_through_the_tracker()
    {
        using var temp = new TempFolder();
        string web = Directory.CreateDirectory(Path.Combine(temp.Path, "web")).FullName;
        string cache = Path.Combine(temp.Path, "cache");
        string song = Path.Combine(web, "song.mp3");
        var made = await MooddjProcess.RunProgramAsync("ffmpeg", temp.Path, ["-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=6",
            "-c:a", "libmp3lame", "-b:a", "128k", song]);
        Assert.True(made.ExitCode == 0, made.ToString());
        int httpPort = StationJoinTests.FreeTcpPort();
        await using var http = RunningProcess.Start("/usr/bin/python3", web, ["-m", "http.server", httpPort.ToString(), "--bind", "127.0.0.1"]);
        await WaitForTcpAsync(httpPort);

        int trackerPort = FreeUdpPort();
        string tracker = $"udp://127.0.0.1:{trackerPort}";
        await using var trackerProcess = RunningProcess.StartMooddj(temp.Path, null, ["tracker", "--port", trackerPort.ToString(), "--bind", "127.0.0.1", "--stats", "0"]);
        await trackerProcess.WaitForAsync($"listening on udp://127.0.0.1:{trackerPort}");

        string url = $"http://127.0.0.1:{httpPort}/song.mp3";
        var port = StationJoinTests.FreeTcpPort();
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var server = RunningProcess.StartMooddj(temp.Path, null, ["server", .. StationJoinTests.LoopbackFreePorts,
            "--set", $"station:controlPort={port}", "--set", $"station:key={key}",
            "--set", $"station:tracker={tracker}", "--set", "music:preferencesFile=none",
            "--set", "use:musicSources:0=youtube",
            "--set", $"plugins:settings:youtube:queryTemplates:neutral={url}", "--set", $"plugins:settings:youtube:queryTemplates:happy={url}",
            "--set", $"plugins:settings:youtube:cacheFolder={cache}",
            "--set", $"swarm:cacheFolder={cache}", "--set", "swarm:port=0", "--set", "swarm:scanSeconds=1",
            "--set", $"plugins:settings:tracker:trackers:0={tracker}"]);
        await server.WaitForAsync("mooddj player --join ");
        await server.WaitForAsync("cached tracks (TCP, BitTorrent)");
        var sent = await MooddjProcess.RunAsync(temp.Path, ["send", "I feel happy", "--server", $"127.0.0.1:{port}", "--set", $"station:key={key}"]);
        Assert.True(sent.ExitCode == 0, sent.ToString());

        // The station plays the track, so the source caches it; the share writes its torrent beside it and says so.
        string torrentPath = await UntilAsync(() => Directory.Exists(cache) ? Directory.GetFiles(cache, "*.torrent").FirstOrDefault() : null,
            TimeSpan.FromSeconds(60), () => server.ToString());
        await server.WaitForAsync("seeding cached track yt-", TimeSpan.FromSeconds(30));
        var torrent = MoodDJ.Peers.Swarm.TorrentMetainfo.Parse(await File.ReadAllBytesAsync(torrentPath));
        Assert.Equal([tracker], torrent.Trackers);
        await trackerProcess.WaitForAsync($"swarm {torrent.InfoHashHex}: peer 127.0.0.1:", TimeSpan.FromSeconds(30));

        // The second MoodDJ knows only the info-hash: peers and metadata come through the tracker.
        string fetched = Path.Combine(temp.Path, "fetched");
        var result = await MooddjProcess.RunAsync(temp.Path, "fetch", $"magnet:?xt=urn:btih:{torrent.InfoHashHex}", "--out", fetched, "--timeout", "60",
            "--set", "use:discovery=tracker", "--set", $"plugins:settings:tracker:trackers:0={tracker}");
        Assert.True(result.ExitCode == 0, result + "\n--- server ---\n" + server);
        Assert.Contains("Fetched", result.StdOut);
        Assert.Equal(await File.ReadAllBytesAsync(song), await File.ReadAllBytesAsync(Path.Combine(fetched, torrent.Name)));
    }

    private static async Task<string> UntilAsync(Func<string?> probe, TimeSpan limit, Func<string> diagnostics)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (probe() is { } found) return found;
            await Task.Delay(200);
        }
        Assert.Fail("timed out\n" + diagnostics());
        return "";
    }

    private static async Task WaitForTcpAsync(int port)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return;
            }
            catch (System.Net.Sockets.SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(20)) { await Task.Delay(100); }
        }
    }

    private static int FreeUdpPort()
    {
        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        probe.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
