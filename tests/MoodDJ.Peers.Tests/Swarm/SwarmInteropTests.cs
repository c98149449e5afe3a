using System.Net;
using System.Net.Sockets;
using MoodDJ.Peers.Swarm;

namespace MoodDJ.Peers.Tests.Swarm;

/// <summary>
/// MoodDJ's swarm against BitTorrent programs written by others, both ways: aria2c and libtorrent download a
/// track from MoodDJ seeders, and MoodDJ downloads what they seed. Everything stays on 127.0.0.1.
/// </summary>
public sealed class SwarmInteropTests
{
    private const string Aria2c = "/usr/bin/aria2c";
    private const string OpenTracker = "/usr/bin/opentracker";
    private const string Python = "/usr/bin/python3";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(40);
    private static string LibTorrentScript => Path.Combine(AppContext.BaseDirectory, "Swarm", "libtorrent_peer.py");

    // aria2c speaks UDP trackers only through its DHT socket, and DHT would look beyond this machine, so
    // this test hands aria2c an HTTP tracker (opentracker); python3-libtorrent covers the MoodDJ tracker.
    [RequiresProgramsFact(Aria2c, OpenTracker)]
    public async Task Aria2c_downloads_a_track_from_two_MoodDJ_seeders_found_through_a_tracker()
    {
        int trackerPort = FreePort();
        await using var folder = await SwarmFolder.CreateAsync(1_500_000, 32 * 1024, [$"http://127.0.0.1:{trackerPort}/announce"]);
        SwarmSeeder[] seeders = [folder.StartSeeder("a"), folder.StartSeeder("b")];
        await using var tracker = await StartOpenTrackerAsync(folder, trackerPort);
        foreach (SwarmSeeder seeder in seeders) await AnnounceOverHttpAsync(trackerPort, folder.Torrent, seeder.LocalEndPoint.Port);

        string torrentPath = Path.Combine(folder.Root, "track.torrent");
        await File.WriteAllBytesAsync(torrentPath, folder.Torrent.ToTorrentFile());
        string outDir = Path.Combine(folder.Root, "aria2c");
        await using var aria2c = ExternalPeer.Start(Aria2c, Aria2cArguments(outDir, FreePort(), "--seed-time=0", torrentPath));
        Assert.Equal(0, await aria2c.WaitForExitAsync(Limit));
        Assert.Equal(folder.Content, await File.ReadAllBytesAsync(Path.Combine(outDir, folder.Torrent.Name)));
        Assert.True(seeders.Sum(s => s.Stats.UploadedBytes) >= folder.Torrent.Length, aria2c.Output);
    }

    [RequiresProgramsFact(Aria2c)]
    public async Task MoodDJ_downloads_a_track_that_aria2c_seeds()
    {
        await using var folder = await SwarmFolder.CreateAsync(1_200_000, 32 * 1024);
        string torrentPath = Path.Combine(folder.Root, "track.torrent");
        await File.WriteAllBytesAsync(torrentPath, folder.Torrent.ToTorrentFile());
        int port = FreePort();
        await using var aria2c = ExternalPeer.Start(Aria2c, Aria2cArguments(Path.GetDirectoryName(folder.SourcePath)!, port,
            "--check-integrity=true", "--seed-ratio=0.0", torrentPath));
        await aria2c.WaitForAsync("SEED(", Limit);

        using var store = PieceStore.Open(folder.Torrent, folder.DownloadPath("mooddj"));
        var download = new SwarmDownload(store);
        await download.RunAsync(PeerList.Of(new IPEndPoint(IPAddress.Loopback, port)), CancellationToken.None).WaitAsync(Limit);
        Assert.True(store.IsComplete);
        store.Dispose();
        Assert.Equal(folder.Content, await File.ReadAllBytesAsync(folder.DownloadPath("mooddj")));
    }

    [RequiresProgramsFact(RequiresProgramsFactAttribute.LibTorrent)]
    public async Task MoodDJ_downloads_a_hybrid_torrent_that_libtorrent_seeds()
    {
        await using var folder = await SwarmFolder.CreateAsync(1_000_000, 32 * 1024);
        string torrentPath = Path.Combine(folder.Root, "libtorrent.torrent");
        await using var seeder = ExternalPeer.Start(Python, LibTorrentScript, "seed", folder.SourcePath, torrentPath);
        string ready = await seeder.WaitForAsync("seeding port", Limit);
        int port = int.Parse(ready.Split(' ')[^1]);

        TorrentMetainfo torrent = TorrentMetainfo.Parse(await File.ReadAllBytesAsync(torrentPath));
        using var store = PieceStore.Open(torrent, folder.DownloadPath("mooddj"));
        await new SwarmDownload(store).RunAsync(PeerList.Of(new IPEndPoint(IPAddress.Loopback, port)), CancellationToken.None).WaitAsync(Limit);
        Assert.True(store.IsComplete);
        store.Dispose();
        Assert.Equal(folder.Content, await File.ReadAllBytesAsync(folder.DownloadPath("mooddj")));
    }

    [RequiresProgramsFact(RequiresProgramsFactAttribute.LibTorrent)]
    public async Task Libtorrent_downloads_a_track_from_a_MoodDJ_seeder()
    {
        await using var folder = await SwarmFolder.CreateAsync(1_000_000, 32 * 1024);
        SwarmSeeder seeder = folder.StartSeeder("seed");
        string torrentPath = Path.Combine(folder.Root, "track.torrent");
        await File.WriteAllBytesAsync(torrentPath, folder.Torrent.ToTorrentFile());
        string outDir = Path.Combine(folder.Root, "libtorrent");
        Directory.CreateDirectory(outDir);
        await using var leecher = ExternalPeer.Start(Python, LibTorrentScript, "download", torrentPath, outDir, seeder.LocalEndPoint.ToString());
        await leecher.WaitForAsync("finished", Limit);
        Assert.Equal(folder.Content, await File.ReadAllBytesAsync(Path.Combine(outDir, folder.Torrent.Name)));
        Assert.Equal(folder.Torrent.Length, seeder.Stats.UploadedBytes);
    }

    internal static string[] Aria2cArguments(string dir, int listenPort, params string[] more) =>
    [
        "--dir=" + dir, "--listen-port=" + listenPort, "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false",
        "--enable-peer-exchange=false", "--bt-require-crypto=false", "--allow-overwrite=true", "--file-allocation=none",
        "--summary-interval=1", "--console-log-level=notice", "--bt-stop-timeout=60", .. more,
    ];

    /// <summary>Debian builds opentracker with a whitelist, so the test lists the one info-hash it uses. opentracker
    /// chroots into the folder and reads the list as "nobody", so the folder must be readable by others.</summary>
    internal static async Task<ExternalPeer> StartOpenTrackerAsync(SwarmFolder folder, int port)
    {
        File.SetUnixFileMode(folder.Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        string whitelist = Path.Combine(folder.Root, "whitelist");
        await File.WriteAllTextAsync(whitelist, folder.Torrent.InfoHashHex + "\n");
        var tracker = ExternalPeer.Start(OpenTracker, "-i", "127.0.0.1", "-p", port.ToString(), "-P", port.ToString(), "-d", folder.Root, "-w", "whitelist");
        using var client = new HttpClient();
        for (int attempt = 0; ; attempt++)
        {
            try { await client.GetAsync($"http://127.0.0.1:{port}/stats"); return tracker; }
            catch (HttpRequestException) when (attempt < 50) { await Task.Delay(100); }
        }
    }

    private static async Task AnnounceOverHttpAsync(int trackerPort, TorrentMetainfo torrent, int peerPort)
    {
        using var client = new HttpClient();
        string url = $"http://127.0.0.1:{trackerPort}/announce?info_hash={Escape(torrent.InfoHash)}&peer_id={Escape(PeerIds.New())}"
                     + $"&port={peerPort}&uploaded=0&downloaded=0&left=0&compact=1&event=started";
        // opentracker reads its whitelist a moment after it starts listening.
        for (int attempt = 0; ; attempt++)
        {
            string answer = await client.GetStringAsync(url);
            if (!answer.Contains("failure")) return;
            Assert.True(attempt < 50, $"opentracker refused the announce: {answer}");
            await Task.Delay(100);
        }
    }

    private static string Escape(byte[] bytes) => string.Concat(bytes.Select(b => $"%{b:X2}"));

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
