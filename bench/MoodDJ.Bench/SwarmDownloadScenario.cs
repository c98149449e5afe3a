using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MoodDJ.Peers.Swarm;

namespace MoodDJ.Bench;

/// <summary>
/// Swarm download throughput over loopback from 1, 2 and 4 MoodDJ seeders, and aria2c downloading the same
/// torrent from the same seeders in the same run (found through a real opentracker, as aria2c has no way
/// to be handed peers). Medians of the runs. Needs aria2 and opentracker (test.sh installs both).
/// `dotnet run -c Release --project bench/MoodDJ.Bench -- swarm-download [megabytes] [runs]`
/// </summary>
public sealed class SwarmDownloadScenario : IBenchScenario
{
    public string Name => "swarm-download";

    public async Task<int> RunAsync(string[] args)
    {
        int megabytes = args.Length > 0 && int.TryParse(args[0], out int m) ? m : 64;
        int runs = args.Length > 1 && int.TryParse(args[1], out int r) ? r : 3;
        string root = Directory.CreateTempSubdirectory("mooddj-swarm-bench-").FullName;
        File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101); // opentracker reads its whitelist here as "nobody"
        try
        {
            string source = Path.Combine(root, "track.bin");
            byte[] content = new byte[megabytes * 1_000_000];
            new Random(1).NextBytes(content);
            await File.WriteAllBytesAsync(source, content);
            int trackerPort = FreePort();
            TorrentMetainfo torrent = await TorrentMetainfo.CreateAsync(source, [$"http://127.0.0.1:{trackerPort}/announce"]);
            string torrentFile = Path.Combine(root, "track.torrent");
            await File.WriteAllBytesAsync(torrentFile, torrent.ToTorrentFile());
            await File.WriteAllTextAsync(Path.Combine(root, "whitelist"), torrent.InfoHashHex + "\n");
            using var tracker = Process.Start("opentracker", ["-i", "127.0.0.1", "-p", $"{trackerPort}", "-P", $"{trackerPort}", "-d", root, "-w", "whitelist"]);
            await Task.Delay(500);

            var seeders = new List<(SwarmSeeder Seeder, PieceStore Store)>();
            for (int i = 0; i < 4; i++)
            {
                string copy = Path.Combine(root, $"seed{i}", torrent.Name);
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(source, copy);
                var store = PieceStore.Open(torrent, copy);
                var seeder = new SwarmSeeder(new IPEndPoint(IPAddress.Loopback, 0), new SwarmOptions { UploadSlots = 16 });
                seeder.Add(store);
                seeder.Start();
                seeders.Add((seeder, store));
            }
            Console.WriteLine($"swarm download of {megabytes} MB ({torrent.PieceCount} pieces of {torrent.PieceLength / 1024} KiB) over 127.0.0.1, "
                              + $"median of {runs} runs; {Environment.ProcessorCount} cores, load {LoadAverage()}");
            Console.WriteLine("| seeders | MoodDJ MB/s | aria2c MB/s |");
            Console.WriteLine("|---:|---:|---:|");
            foreach (int count in new[] { 1, 2, 4 })
            {
                var active = seeders.Take(count).Select(s => s.Seeder).ToArray();
                await AnnounceAsync(trackerPort, torrent, active);
                var ours = new List<double>();
                var theirs = new List<double>();
                for (int run = 0; run < runs; run++)
                {
                    ours.Add(megabytes / await MoodDjSecondsAsync(root, torrent, active));
                    theirs.Add(megabytes / await Aria2cSecondsAsync(root, torrentFile, torrent));
                }
                Console.WriteLine($"| {count} | {Median(ours):0} | {Median(theirs):0} |");
                await AnnounceAsync(trackerPort, torrent, active, stopped: true);
            }
            foreach (var (seeder, store) in seeders) { await seeder.DisposeAsync(); store.Dispose(); }
            tracker?.Kill();
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
        return 0;
    }

    private static async Task<double> MoodDjSecondsAsync(string root, TorrentMetainfo torrent, SwarmSeeder[] seeders)
    {
        string path = Path.Combine(root, "mooddj-out", torrent.Name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Delete(path);
        var clock = Stopwatch.StartNew();
        using (var store = PieceStore.Open(torrent, path))
            await new SwarmDownload(store).RunAsync(_ => ValueTask.FromResult<IReadOnlyList<IPEndPoint>>(seeders.Select(s => s.LocalEndPoint).ToArray()), CancellationToken.None);
        return clock.Elapsed.TotalSeconds;
    }

    private static async Task<double> Aria2cSecondsAsync(string root, string torrentFile, TorrentMetainfo torrent)
    {
        string dir = Path.Combine(root, "aria2c-out");
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        var clock = Stopwatch.StartNew();
        using var aria2c = Process.Start(new ProcessStartInfo("aria2c",
        [
            "--dir=" + dir, $"--listen-port={FreePort()}", "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false",
            "--enable-peer-exchange=false", "--seed-time=0", "--file-allocation=none", "--summary-interval=0", "--quiet=true", torrentFile,
        ])) ?? throw new InvalidOperationException("could not start aria2c");
        await aria2c.WaitForExitAsync();
        if (aria2c.ExitCode != 0 || new FileInfo(Path.Combine(dir, torrent.Name)).Length != torrent.Length)
            throw new InvalidOperationException($"aria2c failed (exit {aria2c.ExitCode})");
        return clock.Elapsed.TotalSeconds;
    }

    private static async Task AnnounceAsync(int trackerPort, TorrentMetainfo torrent, SwarmSeeder[] seeders, bool stopped = false)
    {
        using var client = new HttpClient();
        foreach (SwarmSeeder seeder in seeders)
        {
            string hash = string.Concat(torrent.InfoHash.Select(b => $"%{b:X2}"));
            string id = string.Concat(PeerIds.New().Select(b => $"%{b:X2}"));
            await client.GetStringAsync($"http://127.0.0.1:{trackerPort}/announce?info_hash={hash}&peer_id={id}&port={seeder.LocalEndPoint.Port}"
                                        + $"&uploaded=0&downloaded=0&left=0&compact=1&event={(stopped ? "stopped" : "started")}");
        }
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
