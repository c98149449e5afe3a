using System.CommandLine;
using System.Diagnostics;
using System.Net;
using MoodDJ.Abstractions.Discovery;
using MoodDJ.Hosting.Configuration;
using MoodDJ.Peers.Swarm;

namespace MoodDJ.Host.Console.Commands;

/// <summary>
/// `mooddj fetch TORRENT-OR-MAGNET`: downloads a track from the swarm (BEP 3) into a folder, from the peers
/// named with --peer or in the magnet link and those the discovery plugin finds, checking every piece.
/// A download that was interrupted resumes. With --seed it goes on serving the track afterwards.
/// </summary>
internal sealed class FetchCommand : ICliCommand
{
    public Command Create(GlobalOptions globals)
    {
        var source = new Argument<string>("torrent") { Description = "A .torrent file or a magnet link (magnet:?xt=urn:btih:...)." };
        var peers = new Option<string[]>("--peer") { Description = "A peer to fetch from, host:port (repeatable).", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "Folder to write the track into.", DefaultValueFactory = _ => "." };
        var seed = new Option<bool>("--seed") { Description = "Keep serving the track to others after it is complete (until Ctrl+C)." };
        var port = new Option<int>("--port") { Description = "TCP port to serve on with --seed (0 picks one).", DefaultValueFactory = _ => SeedCommand.DefaultPort };
        var timeout = new Option<double>("--timeout") { Description = "Give up after this many seconds.", DefaultValueFactory = _ => 600 };
        var command = new Command("fetch", "Download a track from MoodDJ peers or any BitTorrent peers (a .torrent or a magnet link).")
            { source, peers, output, seed, port, timeout };
        command.SetAction((parseResult, ct) => CommandRunner.RunAsync(parseResult, globals, (context, token) => FetchAsync(context,
            parseResult.GetValue(source)!, parseResult.GetValue(peers) ?? [], parseResult.GetValue(output)!, parseResult.GetValue(seed),
            parseResult.GetValue(port), parseResult.GetValue(timeout), token), ct));
        return command;
    }

    private static async Task<int> FetchAsync(HostContext context, string source, string[] peerTexts, string outputFolder, bool seed,
        int port, double seconds, CancellationToken token)
    {
        if (seconds is <= 0 or > 86_400) throw new UserFacingException($"--timeout must be above 0 and at most 86400 seconds, not {seconds}.");
        IReadOnlyList<IPEndPoint> named;
        try { named = SwarmPeerSource.Parse(peerTexts); }
        catch (FormatException e) { throw new UserFacingException(e.Message); }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(token);
        deadline.CancelAfter(TimeSpan.FromSeconds(seconds));

        var options = new SwarmOptions();
        TorrentMetainfo torrent;
        var known = new List<IPEndPoint>(named);
        IPeerDiscovery? discovery = SeedCommand.Discovery(context);
        if (source.StartsWith("magnet:", StringComparison.OrdinalIgnoreCase))
        {
            MagnetLink magnet = ParseOrExplain(() => MagnetLink.Parse(source));
            known.AddRange(magnet.Peers);
            if (known.Count == 0 && discovery is null) throw NobodyToAsk("the torrent");
            if (discovery is not null)
                known.AddRange(await discovery.FindPeersAsync(Convert.ToHexStringLower(magnet.InfoHash), options.MaxPeers, deadline.Token));
            System.Console.Error.WriteLine($"Asking {known.Count} peer(s) for the torrent's metadata...");
            try { torrent = await MetadataFetcher.FetchAsync(magnet, known.Distinct().ToList(), options, deadline.Token); }
            catch (InvalidOperationException e) { throw new UserFacingException(e.Message); }
        }
        else
        {
            if (!File.Exists(source)) throw new UserFacingException($"No such torrent file: {source}");
            try { torrent = TorrentMetainfo.Parse(File.ReadAllBytes(source)); }
            catch (FormatException e) { throw new UserFacingException($"{source} is not a usable torrent file ({e.Message})."); }
            // A file already here may be complete: let the check below say so instead.
            if (known.Count == 0 && discovery is null && !File.Exists(Path.Combine(outputFolder, torrent.Name))) throw NobodyToAsk(torrent.Name);
        }

        Directory.CreateDirectory(outputFolder);
        string path = Path.Combine(outputFolder, torrent.Name);
        using var store = PieceStore.Open(torrent, path);
        if (store.IsComplete)
        {
            System.Console.WriteLine($"{path} is already complete ({torrent.PieceCount} pieces checked).");
            return seed ? await SeedCommand.SeedAsync(context, [store], port, token) : 0;
        }
        if (known.Count == 0 && discovery is null) throw NobodyToAsk(torrent.Name);
        if (store.HaveCount > 0) System.Console.Error.WriteLine($"Resuming: {store.HaveCount} of {torrent.PieceCount} pieces are already here.");
        var download = new SwarmDownload(store, options);
        var peerSource = new SwarmPeerSource(known, discovery, options.MaxPeers);
        var clock = Stopwatch.StartNew();
        using (var progress = new Timer(_ => System.Console.Error.WriteLine(
                   $"  {store.HaveCount}/{torrent.PieceCount} pieces from {download.Stats.DownloadedFrom.Count} peer(s)"), null, 1000, 1000))
        {
            try { await download.RunAsync(ct => peerSource.FindAsync(torrent, ct), deadline.Token); }
            catch (OperationCanceledException) when (!token.IsCancellationRequested)
            {
                throw new UserFacingException($"Gave up after {seconds:0} s with {store.HaveCount} of {torrent.PieceCount} pieces (run it again to resume).");
            }
        }
        double megabytes = torrent.Length / 1e6;
        System.Console.WriteLine($"Fetched {path} ({megabytes:0.0} MB in {clock.Elapsed.TotalSeconds:0.00} s, {megabytes / clock.Elapsed.TotalSeconds:0.0} MB/s, "
                                 + $"{download.Stats.DownloadedFrom.Count(p => p.Value > 0)} peer(s); {download.Stats.BadPieces} bad piece(s), {download.Stats.Banned.Count} peer(s) banned)");
        await File.WriteAllBytesAsync(path + ".torrent", torrent.ToTorrentFile(), token);
        if (!seed) return 0;
        return await SeedCommand.SeedAsync(context, [store], port, token);
    }

    /// <summary>Without a peer or a discovery plugin the download would wait out --timeout asking nobody.</summary>
    private static UserFacingException NobodyToAsk(string what) => new(
        $"No peer to fetch {what} from: give --peer HOST:PORT (the address after x.pe= in the magnet link `mooddj seed` prints), "
        + "or set use:discovery (e.g. --set use:discovery=tracker) to find peers through a tracker.");

    private static T ParseOrExplain<T>(Func<T> parse)
    {
        try { return parse(); }
        catch (FormatException e) { throw new UserFacingException(e.Message); }
    }
}
