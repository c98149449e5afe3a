using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Abstractions.Discovery;

namespace MoodDJ.Peers.Swarm;

/// <summary>
/// Seeds every track a music source caches. The cache folder is the contract: a source writes a track under a
/// temporary name and renames it when complete (yt-dlp's <c>.part</c>), so any complete file here is a track.
/// For each new one this writes <c>FILE.torrent</c> beside it (BEP 3, v1), serves it on the
/// <see cref="SwarmSeeder"/> and announces its info-hash through the discovery plugin (which re-announces it).
/// The folder is scanned at start and every <see cref="TrackShareOptions.ScanInterval"/>; a track that left
/// the folder (the source evicted it) stops being served and is withdrawn from the tracker.
/// </summary>
public sealed class TrackFolderShare : IAsyncDisposable
{
    /// <summary>Names a writer uses while a file is incomplete, and our own torrents: never shared.</summary>
    private static readonly string[] NotTracks = [".part", ".ytdl", ".tmp", ".temp", ".torrent"];

    private readonly string _folder;
    private readonly SwarmSeeder _seeder;
    private readonly IPeerDiscovery? _discovery;
    private readonly TrackShareOptions _options;
    private readonly ILogger _log;
    private readonly Dictionary<string, PieceStore> _shared = new(StringComparer.Ordinal);
    private readonly HashSet<string> _failed = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _scanLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public TrackFolderShare(string folder, SwarmSeeder seeder, IPeerDiscovery? discovery, TrackShareOptions? options = null, ILogger? log = null)
    {
        _folder = Path.GetFullPath(folder);
        _seeder = seeder;
        _discovery = discovery;
        _options = options ?? new TrackShareOptions();
        _log = log ?? NullLogger.Instance;
    }

    /// <summary>Raised once per track, after its torrent is written, it is served and its announce was sent.</summary>
    public event Action<TorrentMetainfo>? TrackShared;

    /// <summary>The torrents served so far.</summary>
    public IReadOnlyList<TorrentMetainfo> Torrents
    {
        get { lock (_shared) return _shared.Values.Select(s => s.Torrent).ToArray(); }
    }

    /// <summary>Scans now and then every <see cref="TrackShareOptions.ScanInterval"/> until disposed.</summary>
    public void Start()
    {
        Directory.CreateDirectory(_folder);
        _loop = LoopAsync(_stop.Token);
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try { await ScanAsync(cancellationToken); }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { return; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { _log.LogWarning("cannot read the track cache {Folder}: {Error}", _folder, e.Message); }
            try { await Task.Delay(_options.ScanInterval, cancellationToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Shares every complete track file not shared yet; returns how many were added.</summary>
    public async Task<int> ScanAsync(CancellationToken cancellationToken = default)
    {
        await _scanLock.WaitAsync(cancellationToken);
        try
        {
            int added = 0;
            await WithdrawGoneAsync(cancellationToken);
            DateTime settled = DateTime.UtcNow - _options.SettleTime;
            foreach (string path in Directory.EnumerateFiles(_folder))
            {
                if (!IsTrack(path) || _failed.Contains(path)) continue;
                lock (_shared) if (_shared.ContainsKey(path)) continue;
                var file = new FileInfo(path);
                // A writer that does not rename may still be writing: wait until the file has been still a while.
                if (file.Length == 0 || file.LastWriteTimeUtc > settled) continue;
                if (Count >= _options.MaxTracks)
                {
                    _log.LogWarning("sharing {Max} tracks already (swarm:maxTracks); {Path} is not shared", _options.MaxTracks, path);
                    break;
                }
                if (await ShareAsync(path, cancellationToken) is not null) added++;
            }
            return added;
        }
        finally { _scanLock.Release(); }
    }

    private async Task WithdrawGoneAsync(CancellationToken cancellationToken)
    {
        List<(string Path, PieceStore Store)> gone;
        lock (_shared) gone = _shared.Where(kv => !File.Exists(kv.Key)).Select(kv => (kv.Key, kv.Value)).ToList();
        foreach (var (path, store) in gone)
        {
            _seeder.Remove(store.Torrent.InfoHashHex);
            lock (_shared) _shared.Remove(path);
            File.Delete(path + ".torrent");
            if (_discovery is not null)
            {
                try { await _discovery.LeaveAsync(store.Torrent.InfoHashHex, cancellationToken); }
                catch (Exception e) when (e is not OperationCanceledException) { _log.LogDebug("leaving {Hash} failed: {Error}", store.Torrent.InfoHashHex, e.Message); }
            }
            // A connection still serving it ends at its next read (the seeder drops it quietly).
            store.Dispose();
            _log.LogInformation("{Name} left the cache; no longer seeded", store.Torrent.Name);
        }
    }

    private int Count
    {
        get { lock (_shared) return _shared.Count; }
    }

    private async Task<TorrentMetainfo?> ShareAsync(string path, CancellationToken cancellationToken)
    {
        TorrentMetainfo torrent;
        PieceStore store;
        try
        {
            torrent = await TorrentMetainfo.CreateAsync(path, _options.Trackers, _options.PieceLength, cancellationToken);
            await File.WriteAllBytesAsync(path + ".torrent", torrent.ToTorrentFile(), cancellationToken);
            // Just hashed: no need to check every piece again.
            store = PieceStore.OpenUnverified(torrent, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            _failed.Add(path);
            _log.LogWarning("cannot share {Path}: {Error}", path, e.Message);
            return null;
        }
        lock (_shared) _shared[path] = store;
        _seeder.Add(store);
        if (_discovery is not null)
        {
            try { await _discovery.AnnounceAsync(torrent.InfoHashHex, new IPEndPoint(IPAddress.Any, _seeder.LocalEndPoint.Port), cancellationToken); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The tracker plugin keeps retrying in the background; the track is served meanwhile.
                _log.LogWarning("announcing {Name} ({Hash}) failed: {Error}", torrent.Name, torrent.InfoHashHex, e.Message);
            }
        }
        _log.LogInformation("seeding cached track {Name}: {Magnet}", torrent.Name, torrent.ToMagnet());
        TrackShared?.Invoke(torrent);
        return torrent;
    }

    private static bool IsTrack(string path)
    {
        string name = Path.GetFileName(path);
        return !name.StartsWith('.') && !NotTracks.Any(suffix => name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase));
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_discovery is not null)
            foreach (TorrentMetainfo torrent in Torrents)
            {
                try { await _discovery.LeaveAsync(torrent.InfoHashHex); }
                catch (Exception e) { _log.LogDebug("leaving {Hash} failed: {Error}", torrent.InfoHashHex, e.Message); }
            }
        lock (_shared)
        {
            foreach (PieceStore store in _shared.Values) store.Dispose();
            _shared.Clear();
        }
        _stop.Dispose();
        _scanLock.Dispose();
    }
}

/// <summary>How <see cref="TrackFolderShare"/> shares a cache folder (the <c>swarm</c> section of mooddj.json).</summary>
public sealed class TrackShareOptions
{
    /// <summary>Tracker URLs written into each torrent's <c>announce</c> (so other clients find the seeders).</summary>
    public IReadOnlyList<string> Trackers { get; init; } = [];
    public int PieceLength { get; init; } = TorrentMetainfo.DefaultPieceLength;
    public TimeSpan ScanInterval { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>A file last written more recently than this is left for the next scan (its writer may not be done).</summary>
    public TimeSpan SettleTime { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Each shared track holds an open file; past this many, new ones are logged and not shared.</summary>
    public int MaxTracks { get; init; } = 1000;
}
