using System.CommandLine;
using System.Net;
using MoodDJ.Abstractions.Discovery;
using MoodDJ.Hosting.Configuration;
using MoodDJ.Peers.Swarm;

namespace MoodDJ.Host.Console.Commands;

/// <summary>
/// `mooddj seed FILE...`: writes a torrent for each track (FILE.torrent beside it), prints its magnet link,
/// and serves the tracks to MoodDJ peers and any BitTorrent client until stopped, announcing them through
/// the discovery plugin.
/// </summary>
internal sealed class SeedCommand : ICliCommand
{
    public const int DefaultPort = 6881;
    private static readonly TimeSpan AnnounceInterval = TimeSpan.FromMinutes(1);

    public Command Create(GlobalOptions globals)
    {
        var files = new Argument<string[]>("files") { Description = "Track files to share.", Arity = ArgumentArity.OneOrMore };
        var port = new Option<int>("--port") { Description = "TCP port to serve on (0 picks one).", DefaultValueFactory = _ => DefaultPort };
        var pieceKib = new Option<int>("--piece-kib") { Description = "Piece size in KiB (a power of two, 16 to 16384).", DefaultValueFactory = _ => TorrentMetainfo.DefaultPieceLength / 1024 };
        var trackers = new Option<string[]>("--tracker") { Description = "A tracker URL to write into the torrents, e.g. udp://127.0.0.1:5700 (repeatable).", AllowMultipleArgumentsPerToken = true };
        var command = new Command("seed", "Share track files with peers over BitTorrent: writes FILE.torrent and prints a magnet link.") { files, port, pieceKib, trackers };
        command.SetAction((parseResult, ct) => CommandRunner.RunAsync(parseResult, globals, (context, token) => ShareAsync(context,
            parseResult.GetValue(files)!, parseResult.GetValue(port), parseResult.GetValue(pieceKib), parseResult.GetValue(trackers) ?? [], token), ct));
        return command;
    }

    private static async Task<int> ShareAsync(HostContext context, string[] files, int port, int pieceKib, string[] trackers, CancellationToken token)
    {
        if (pieceKib is < 16 or > 16384 || !int.IsPow2(pieceKib))
            throw new UserFacingException($"--piece-kib must be a power of two from 16 to 16384, not {pieceKib}.");
        var stores = new List<PieceStore>();
        try
        {
            foreach (string file in files)
            {
                if (!File.Exists(file)) throw new UserFacingException($"No such file: {file}");
                TorrentMetainfo torrent = await TorrentMetainfo.CreateAsync(file, trackers, pieceKib * 1024, token);
                await File.WriteAllBytesAsync(file + ".torrent", torrent.ToTorrentFile(), token);
                stores.Add(PieceStore.Open(torrent, file));
            }
            return await SeedAsync(context, stores, port, token);
        }
        finally
        {
            foreach (PieceStore store in stores) store.Dispose();
        }
    }

    /// <summary>Serves <paramref name="stores"/> until cancelled; shared with `fetch --seed`.</summary>
    internal static async Task<int> SeedAsync(HostContext context, IReadOnlyList<PieceStore> stores, int port, CancellationToken token)
    {
        if (port is < 0 or > 65535) throw new UserFacingException($"--port must be 0 to 65535, not {port}.");
        SwarmSeeder bound;
        try { bound = new SwarmSeeder(new IPEndPoint(IPAddress.Any, port)); }
        catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
        {
            throw new UserFacingException($"TCP port {port} is already in use (another seed or BitTorrent client?): pick another with --port (0 picks a free one).");
        }
        await using var seeder = bound;
        foreach (PieceStore store in stores) seeder.Add(store);
        seeder.Start();
        IPeerDiscovery? discovery = Discovery(context);
        // The first link works on this machine; another machine needs an address it can reach (as the join code does).
        IPAddress reachable = MoodDJ.Host.Console.Stations.ReachableAddress.For(IPAddress.Any);
        foreach (PieceStore store in stores)
        {
            System.Console.WriteLine($"Seeding {store.Path} on TCP {seeder.LocalEndPoint.Port}: {store.Torrent.ToMagnet()}&x.pe=127.0.0.1:{seeder.LocalEndPoint.Port}");
            if (!IPAddress.IsLoopback(reachable))
                System.Console.WriteLine($"  from another machine: {store.Torrent.ToMagnet()}&x.pe={reachable}:{seeder.LocalEndPoint.Port}");
        }
        System.Console.WriteLine("Press Ctrl+C to stop.");
        while (!token.IsCancellationRequested)
        {
            if (discovery is not null)
                foreach (PieceStore store in stores)
                {
                    try { await discovery.AnnounceAsync(store.Torrent.InfoHashHex, new IPEndPoint(IPAddress.Any, seeder.LocalEndPoint.Port), token); }
                    catch (Exception e) when (e is not OperationCanceledException) { System.Console.Error.WriteLine($"mooddj: announcing {store.Torrent.Name} failed: {e.Message}"); }
                }
            try { await Task.Delay(AnnounceInterval, token); }
            catch (OperationCanceledException) { break; }
            System.Console.WriteLine($"Uploaded {seeder.Stats.UploadedBytes / 1e6:0.0} MB; {seeder.Stats.ProtocolViolations} bad message(s) dropped");
        }
        return 0;
    }

    /// <summary>The discovery plugin <c>use:discovery</c> names, or null when none is configured.</summary>
    internal static IPeerDiscovery? Discovery(HostContext context)
    {
        try { return context.Engine.Selected<IPeerDiscovery>(); }
        catch (ConfigurationException) { return null; }
    }
}
