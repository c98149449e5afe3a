using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using MoodDJ.Abstractions.Music;
using MoodDJ.Plugins.Shared.Processes;

namespace MoodDJ.Plugins.YouTube;

/// <summary>
/// The youtube source's track cache (<c>cacheFolder</c>): yt-dlp downloads a track's audio once into
/// <c>yt-&lt;16 hex of SHA-256(url)&gt;.&lt;ext&gt;</c>, writing <c>.part</c> and renaming it when complete, so
/// a file under its final name is always whole (what the station's swarm share relies on to seed it).
/// Later plays read the file (and mark it recently used). Two plays of one URL at once wait for one download.
/// Past <c>cacheMaxMegabytes</c>, the tracks used longest ago are deleted with their torrents after a download.
/// </summary>
internal sealed class TrackDownloadCache(YouTubeOptions options)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _downloads = new(StringComparer.Ordinal);

    public string Folder => Path.GetFullPath(options.CacheFolder!);

    /// <summary>The cache file's name without extension for <paramref name="url"/>.</summary>
    public static string KeyFor(string url) => "yt-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url)))[..16];

    /// <summary>The complete cached file for <paramref name="url"/>, or null.</summary>
    public string? Find(string url)
    {
        if (!Directory.Exists(Folder)) return null;
        string key = KeyFor(url);
        return Directory.EnumerateFiles(Folder, key + ".*")
            .FirstOrDefault(p => Path.GetFileNameWithoutExtension(p) == key && !p.EndsWith(".torrent", StringComparison.Ordinal));
    }

    /// <summary>The cached file for <paramref name="url"/>, downloading it first when it is not there.</summary>
    public async Task<string> GetAsync(string url, CancellationToken cancellationToken)
    {
        if (Find(url) is { } cached) return Touch(cached);
        var gate = _downloads.GetOrAdd(url, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Find(url) is { } done) return done;
            Directory.CreateDirectory(Folder);
            var arguments = options.CommonYtDlpArguments();
            arguments.AddRange(["-q", "--no-progress", "--no-playlist", "-f", "bestaudio/best",
                "-o", Path.Combine(Folder, KeyFor(url) + ".%(ext)s"), "--", url]);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(options.DownloadTimeoutSeconds));
            try
            {
                await new ProcessCommand(options.YtDlpPath).WithArguments(arguments).ExecuteBufferedAsync(64 * 1024, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new MusicSourceException($"youtube: caching {url} took longer than {options.DownloadTimeoutSeconds} s (downloadTimeoutSeconds).");
            }
            catch (ProcessCommandException e)
            {
                var error = e.StderrTail.Split('\n').LastOrDefault(l => l.StartsWith("ERROR:", StringComparison.Ordinal));
                throw new MusicSourceException($"youtube: cannot cache {url}: {error ?? e.Message}", e);
            }
            var path = Find(url) ?? throw new MusicSourceException($"youtube: yt-dlp finished but left no file for {url} in {Folder}.");
            Trim(Touch(path));
            return path;
        }
        finally { gate.Release(); }
    }

    /// <summary>Marks a track as just used (its write time orders the eviction; yt-dlp may have set it to the upload date).</summary>
    private static string Touch(string path)
    {
        try { File.SetLastWriteTimeUtc(path, DateTime.UtcNow); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return path;
    }

    /// <summary>Deletes the tracks used longest ago until the cache fits its limit; never <paramref name="keep"/>.</summary>
    private void Trim(string keep)
    {
        if (options.CacheMaxMegabytes <= 0) return;
        long limit = (long)options.CacheMaxMegabytes << 20;
        var tracks = new DirectoryInfo(Folder).EnumerateFiles("yt-*")
            .Where(f => Path.GetFileNameWithoutExtension(f.Name).Length == 19 && !f.Name.EndsWith(".part", StringComparison.Ordinal)
                        && !f.Name.EndsWith(".ytdl", StringComparison.Ordinal) && !f.Name.EndsWith(".torrent", StringComparison.Ordinal))
            .OrderBy(f => f.LastWriteTimeUtc).ToList();
        long total = tracks.Sum(f => f.Length);
        foreach (var file in tracks)
        {
            if (total <= limit) break;
            if (file.FullName == keep) continue;
            long length = file.Length; // read first: a deleted FileInfo throws on Length
            try
            {
                file.Delete();
                File.Delete(file.FullName + ".torrent");
                total -= length;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
