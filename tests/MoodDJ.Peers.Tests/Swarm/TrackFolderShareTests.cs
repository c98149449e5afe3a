using System.Net;
using MoodDJ.Abstractions.Discovery;
using MoodDJ.Peers.Swarm;
using MoodDJ.Peers.Tests.Discovery;
using static MoodDJ.Peers.Tests.Tracker.TrackerFixtures;

namespace MoodDJ.Peers.Tests.Swarm;

/// <summary>
/// A torrent for every cached track: a MoodDJ instance shares its music sources' cache folder (torrent written,
/// seeded, announced to the tracker), and a second instance that knows only the info-hash finds it through the
/// tracker and downloads the track. Both use the tracker discovery plugin as loaded by the engine; all on 127.0.0.1.
/// </summary>
public sealed class TrackFolderShareTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mooddj-share-").FullName;

    [Fact(Timeout = 60000)]
    public async Task A_cached_track_is_seeded_under_its_info_hash_and_a_second_instance_downloads_it_through_the_tracker()
    {
        await using var tracker = StartServer();
        string trackerUrl = $"udp://127.0.0.1:{tracker.LocalEndPoint.Port}";
        using var plugins = new PluginFolder("tracker");
        var settings = new { tracker = new { trackers = new[] { trackerUrl }, timeoutMs = 300 } };
        await using var engineA = plugins.Start("tracker", settings);
        await using var engineB = plugins.Start("tracker", settings);

        // The cache as a source leaves it: one complete track, one download still under way (.part).
        string cache = Directory.CreateDirectory(Path.Combine(_root, "cache")).FullName;
        byte[] content = new byte[700_000];
        new Random(7).NextBytes(content);
        await File.WriteAllBytesAsync(Path.Combine(cache, "yt-0123456789abcdef.webm"), content);
        await File.WriteAllBytesAsync(Path.Combine(cache, "yt-fedcba9876543210.webm.part"), content[..1000]);

        await using var seeder = new SwarmSeeder(new IPEndPoint(IPAddress.Loopback, 0));
        seeder.Start();
        var shared = new List<TorrentMetainfo>();
        await using var share = new TrackFolderShare(cache, seeder, engineA.Selected<IPeerDiscovery>(), new TrackShareOptions
        {
            Trackers = [trackerUrl], PieceLength = 32 * 1024, ScanInterval = TimeSpan.FromMilliseconds(100), SettleTime = TimeSpan.Zero,
        });
        share.TrackShared += t => { lock (shared) shared.Add(t); };
        share.Start();
        await Until(() => share.Torrents.Count == 1);

        // Its .torrent sits beside it and names the tracker; the unfinished download is not shared.
        TorrentMetainfo torrent = Assert.Single(share.Torrents);
        Assert.Equal("yt-0123456789abcdef.webm", torrent.Name);
        TorrentMetainfo onDisk = TorrentMetainfo.Parse(await File.ReadAllBytesAsync(Path.Combine(cache, torrent.Name + ".torrent")));
        Assert.Equal(torrent.InfoHashHex, onDisk.InfoHashHex);
        Assert.Equal([trackerUrl], onDisk.Trackers);
        await CountersWhen(tracker, c => c.Peers == 1);

        // Instance B has only the magnet link (no peer in it): the tracker gives it A, A gives it the metadata and the pieces.
        var magnet = MagnetLink.Parse(torrent.ToMagnet());
        Assert.Empty(magnet.Peers);
        var discoveryB = engineB.Selected<IPeerDiscovery>();
        var options = new SwarmOptions();
        var found = await discoveryB.FindPeersAsync(torrent.InfoHashHex, 10);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, seeder.LocalEndPoint.Port)], found);
        TorrentMetainfo fetched = await MetadataFetcher.FetchAsync(magnet, found, options, CancellationToken.None);
        string target = Path.Combine(Directory.CreateDirectory(Path.Combine(_root, "b")).FullName, fetched.Name);
        using (var store = PieceStore.Open(fetched, target))
        {
            var download = new SwarmDownload(store, options);
            var peers = new SwarmPeerSource([], discoveryB, options.MaxPeers);
            await download.RunAsync(ct => peers.FindAsync(fetched, ct), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(store.IsComplete);
        }
        Assert.Equal(content, await File.ReadAllBytesAsync(target));
        Assert.True(seeder.Stats.UploadedBytes >= content.Length);

        // The .part becomes a track when its writer renames it: the next scan shares it too.
        File.Move(Path.Combine(cache, "yt-fedcba9876543210.webm.part"), Path.Combine(cache, "yt-fedcba9876543210.webm"));
        await Until(() => share.Torrents.Count == 2);
        await CountersWhen(tracker, c => c.Swarms == 2);
        lock (shared) Assert.Equal(2, shared.Count);

        // A track the source evicts is withdrawn: no longer served, its torrent gone, "stopped" sent to the tracker.
        File.Delete(Path.Combine(cache, "yt-0123456789abcdef.webm"));
        await Until(() => share.Torrents.Count == 1);
        Assert.False(File.Exists(Path.Combine(cache, "yt-0123456789abcdef.webm.torrent")));
        await CountersWhen(tracker, c => c.Swarms == 1 && c.Peers == 1);
        Assert.Empty(await discoveryB.FindPeersAsync(torrent.InfoHashHex, 10));
    }

    [Fact(Timeout = 30000)]
    public async Task A_file_still_being_written_waits_for_the_settle_time_and_a_missing_tracker_does_not_stop_the_seeding()
    {
        string cache = Directory.CreateDirectory(Path.Combine(_root, "cache")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(cache, "track.mp3"), new byte[50_000]);
        await using var seeder = new SwarmSeeder(new IPEndPoint(IPAddress.Loopback, 0));
        seeder.Start();
        await using var share = new TrackFolderShare(cache, seeder, new DeadDiscovery(), new TrackShareOptions { SettleTime = TimeSpan.FromSeconds(2) });
        Assert.Equal(0, await share.ScanAsync());
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        Assert.Equal(1, await share.ScanAsync());
        Assert.Equal(0, await share.ScanAsync());

        // Served although the announce failed: a peer that knows the address downloads it.
        TorrentMetainfo torrent = Assert.Single(share.Torrents);
        string target = Path.Combine(Directory.CreateDirectory(Path.Combine(_root, "b")).FullName, torrent.Name);
        using var store = PieceStore.Open(torrent, target);
        await new SwarmDownload(store).RunAsync(PeerList.Of(new IPEndPoint(IPAddress.Loopback, seeder.LocalEndPoint.Port)), CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(store.IsComplete);
    }

    [RequiresProgramsFact(RequiresProgramsFactAttribute.LibTorrent)]
    public async Task Libtorrent_downloads_a_cached_track_from_the_peers_the_tracker_in_its_torrent_lists()
    {
        await using var tracker = StartServer();
        string trackerUrl = $"udp://127.0.0.1:{tracker.LocalEndPoint.Port}";
        using var plugins = new PluginFolder("tracker");
        await using var engine = plugins.Start("tracker", new { tracker = new { trackers = new[] { trackerUrl }, timeoutMs = 300 } });
        string cache = Directory.CreateDirectory(Path.Combine(_root, "cache")).FullName;
        byte[] content = new byte[900_000];
        new Random(9).NextBytes(content);
        await File.WriteAllBytesAsync(Path.Combine(cache, "yt-00112233aabbccdd.m4a"), content);
        await using var seeder = new SwarmSeeder(new IPEndPoint(IPAddress.Loopback, 0));
        seeder.Start();
        await using var share = new TrackFolderShare(cache, seeder, engine.Selected<IPeerDiscovery>(),
            new TrackShareOptions { Trackers = [trackerUrl], PieceLength = 32 * 1024, SettleTime = TimeSpan.Zero });
        Assert.Equal(1, await share.ScanAsync());
        await CountersWhen(tracker, c => c.Peers == 1);

        // libtorrent gets only the .torrent MoodDJ wrote (it names the tracker) and no peer address.
        string outDir = Directory.CreateDirectory(Path.Combine(_root, "libtorrent")).FullName;
        string torrentPath = Path.Combine(cache, "yt-00112233aabbccdd.m4a.torrent");
        await using var leecher = ExternalPeer.Start("/usr/bin/python3", Path.Combine(AppContext.BaseDirectory, "Swarm", "libtorrent_peer.py"), "download", torrentPath, outDir);
        await leecher.WaitForAsync("finished", TimeSpan.FromSeconds(40));
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(outDir, "yt-00112233aabbccdd.m4a")));
        Assert.True(tracker.Counters.Announces >= 2, tracker.Counters.ToString());
    }

    [Fact]
    public void The_json_schema_lists_exactly_the_swarm_settings_and_a_bad_one_names_its_key()
    {
        var schema = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(MoodDJ.Testing.RepoPaths.Root, "docs", "mooddj.schema.json")))!;
        var documented = schema["properties"]!["swarm"]!["properties"]!.AsObject().Select(p => p.Key).Order();
        var read = typeof(SwarmShareSettings).GetProperties().Where(p => p.CanWrite).Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..]).Order();
        Assert.Equal(read, documented);

        static Microsoft.Extensions.Configuration.IConfiguration Config(string key, string value) =>
            MoodDJ.Hosting.Configuration.MoodDJConfiguration.Build(null, [$"--{key}={value}"]);
        Assert.False(SwarmShareSettings.From(Config("swarm:port", "0")).Enabled);
        Assert.Contains("swarm:pieceKib", Assert.ThrowsAny<Exception>(() => SwarmShareSettings.From(Config("swarm:pieceKib", "48"))).Message);
        Assert.Contains("swarm:port", Assert.ThrowsAny<Exception>(() => SwarmShareSettings.From(Config("swarm:port", "70000"))).Message);
        Assert.Contains("cacheFolder", Assert.ThrowsAny<Exception>(() => SwarmShareSettings.From(Config("swarm:cacheFoldr", "x"))).Message);
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("condition never became true");
            await Task.Delay(20);
        }
    }

    private sealed class DeadDiscovery : IPeerDiscovery
    {
        public ValueTask AnnounceAsync(string swarmId, IPEndPoint endPoint, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("udp://127.0.0.1:9 did not answer");

        public ValueTask<IReadOnlyList<IPEndPoint>> FindPeersAsync(string swarmId, int maxPeers, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IReadOnlyList<IPEndPoint>>([]);
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
