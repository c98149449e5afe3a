using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;
using MoodDJ.Plugins.Shared.Processes;
using MoodDJ.Plugins.Shared.Audio;

namespace MoodDJ.Plugins.LocalLibrary;

/// <summary>
/// The "local" music source: a folder of audio files indexed by mood (see <see cref="LibraryIndex"/>),
/// ranked by distance on the valence/arousal plane, decoded by ffmpeg with seek.
/// </summary>
public sealed class LocalMusicSource : IMusicSource
{
    public const string SourceName = "local";
    private readonly LocalLibraryOptions _options;
    private readonly ILogger _logger;
    private readonly TrackAnalyzer _analyzer;
    private readonly SemaphoreSlim _indexing = new(1, 1);
    private bool _indexedOnce;
    private IndexReport? _lastReport;

    public LocalMusicSource(LocalLibraryOptions options, ILogger? logger = null)
    {
        options.Validate();
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        Folder = Path.GetFullPath(options.Folder);
        _analyzer = new TrackAnalyzer(options);
        Index = new LibraryIndex(ResolveDatabasePath(options, Folder));
    }

    public string Folder { get; }

    public LibraryIndex Index { get; }

    /// <summary>
    /// Brings the index up to date: analyses new and changed files, forgets deleted ones, re-reads the
    /// sidecar overrides. Unplayable files are skipped with a logged reason; only a missing ffmpeg or
    /// ffprobe stops the pass (nothing could be indexed).
    /// </summary>
    public async Task<IndexReport> IndexAsync(CancellationToken cancellationToken = default)
    {
        await _indexing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var report = await IndexCoreAsync(cancellationToken).ConfigureAwait(false);
            _indexedOnce = true;
            _lastReport = report;
            _logger.LogInformation("Local library {Folder}: {Report}", Folder, report);
            return report;
        }
        finally
        {
            _indexing.Release();
        }
    }

    public async IAsyncEnumerable<TrackInfo> FindTracksAsync(MoodReading mood, int maxResults, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!_indexedOnce)
            await IndexAsync(cancellationToken).ConfigureAwait(false);
        var tracks = Index.Tracks();
        if (tracks.Count == 0) throw new MusicSourceException(NothingToPlay());
        var ranked = tracks
            .Select(t => (Track: t, Distance: Distance(t, mood)))
            .OrderBy(x => x.Distance)
            .ThenBy(x => x.Track.Path, StringComparer.Ordinal)
            .Take(Math.Max(0, maxResults));
        foreach (var (track, _) in ranked)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return ToTrackInfo(track);
        }
    }

    public async ValueTask<IPcmStream> OpenAsync(TrackInfo track, AudioFormat format, CancellationToken cancellationToken = default)
    {
        if (track.Source != SourceName)
            throw new MusicSourceException($"Track '{track}' belongs to source '{track.Source}', not '{SourceName}'.");
        var path = Path.GetFullPath(Path.Combine(Folder, track.Id));
        if (!path.StartsWith(Folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new MusicSourceException($"Track id '{track.Id}' points outside the music folder {Folder}.");
        if (!File.Exists(path))
            throw new MusicSourceException($"{track.Id} is no longer in {Folder}; re-index the library.");
        var ffmpeg = new ProcessCommand(_options.FfmpegPath);
        try
        {
            return await FfmpegPcmStream.OpenAsync(format, track.Duration, canSeek: true, track.Id, TimeSpan.Zero,
                (position, _) => ValueTask.FromResult(new DecodePipeline(ffmpeg.WithArguments(FfmpegArguments.DecodeToPcm(path, format, position)).Start())),
                cancellationToken).ConfigureAwait(false);
        }
        catch (ProcessCommandException e)
        {
            throw new MusicSourceException($"Cannot play {track.Id}: {e.Message}", e);
        }
    }

    /// <summary>Why an empty index cannot play (said at once, so the director falls back to the next source rather than stalling).</summary>
    private string NothingToPlay()
    {
        if (!Directory.Exists(Folder))
            return $"the music folder {Folder} does not exist; set plugins:settings:local:folder";
        var skipped = _lastReport?.Skipped.Count ?? 0;
        return skipped > 0
            ? $"0 playable audio files in {Folder} ({skipped} could not be read; the log says why)"
            : $"0 audio files in {Folder} (looked for {string.Join(", ", _options.AudioExtensions())}); put music there or set plugins:settings:local:folder";
    }

    /// <summary>Distance on the valence/arousal plane; a user's mood label matching the asked mood counts as closer.</summary>
    private static double Distance(IndexedTrack track, MoodReading mood)
    {
        var (v, a) = track.Effective;
        var d = Math.Sqrt((v - mood.Valence) * (v - mood.Valence) + (a - mood.Arousal) * (a - mood.Arousal));
        return track.Override?.Mood == mood.Label && mood.Label != MoodLabel.Neutral ? d - 0.5 : d;
    }

    private static TrackInfo ToTrackInfo(IndexedTrack t)
    {
        var (v, a) = t.Effective;
        var tags = new Dictionary<string, string>
        {
            ["path"] = t.Path,
            ["tempoBpm"] = t.Features.TempoBpm.ToString("0.#", CultureInfo.InvariantCulture),
            ["loudnessDb"] = t.Features.LoudnessDb.ToString("0.#", CultureInfo.InvariantCulture),
            ["brightnessHz"] = t.Features.BrightnessHz.ToString("0", CultureInfo.InvariantCulture),
        };
        if (t.Override?.Mood is { } mood) tags["mood"] = mood.ToString().ToLowerInvariant();
        return new TrackInfo
        {
            Source = SourceName,
            Id = t.Path,
            Title = t.Title,
            Artist = t.Artist,
            Duration = t.Duration,
            Valence = Math.Clamp(v, -1, 1),
            Arousal = Math.Clamp(a, -1, 1),
            Tags = tags,
        };
    }

    private async Task<IndexReport> IndexCoreAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var known = Index.KnownFiles();
        var extensions = new HashSet<string>(_options.AudioExtensions().Select(e => e.StartsWith('.') ? e : "." + e), StringComparer.OrdinalIgnoreCase);
        var present = new HashSet<string>(StringComparer.Ordinal);
        var work = new List<(string Relative, string Full, long Size, long Mtime)>();
        var unchanged = 0;
        var enumeration = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System };
        foreach (var full in Directory.EnumerateFiles(Folder, "*", enumeration))
        {
            if (!extensions.Contains(Path.GetExtension(full))) continue;
            var relative = Path.GetRelativePath(Folder, full).Replace('\\', '/');
            FileInfo info;
            try
            {
                info = new FileInfo(full);
                _ = info.Length;
            }
            catch (IOException)
            {
                continue; // vanished while scanning
            }
            present.Add(relative);
            var mtime = info.LastWriteTimeUtc.Ticks;
            if (known.TryGetValue(relative, out var k) && k.Size == info.Length && k.Mtime == mtime)
                unchanged++;
            else
                work.Add((relative, full, info.Length, mtime));
        }

        var analyzed = new ConcurrentBag<string>();
        var skipped = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = _options.IndexParallelism, CancellationToken = cancellationToken },
            async (file, ct) =>
            {
                try
                {
                    var analysis = await _analyzer.AnalyzeAsync(file.Full, ct).ConfigureAwait(false);
                    var (valence, arousal) = MoodMapper.Place(analysis.Features);
                    Index.Upsert(file.Relative, file.Size, file.Mtime, analysis, valence, arousal);
                    analyzed.Add(file.Relative);
                }
                catch (UnplayableFileException e)
                {
                    _logger.LogWarning("Skipped {File}: {Reason}", file.Relative, e.Message);
                    Index.MarkSkipped(file.Relative, file.Size, file.Mtime, e.Message);
                    skipped[file.Relative] = e.Message;
                }
            }).ConfigureAwait(false);

        var removed = Index.RemoveMissing(present);
        var overrides = SidecarOverrides.Load(Path.Combine(Folder, _options.SidecarFile), warning => _logger.LogWarning("{Warning}", warning));
        foreach (var path in overrides.Keys.Where(p => !present.Contains(p)))
            _logger.LogWarning("{Sidecar}: no audio file '{Path}' in {Folder}", _options.SidecarFile, path, Folder);
        Index.ApplyOverrides(overrides);
        return new IndexReport([.. analyzed.Order(StringComparer.Ordinal)], skipped, unchanged, removed, clock.Elapsed);
    }

    private static string ResolveDatabasePath(LocalLibraryOptions options, string folder)
    {
        if (!string.IsNullOrWhiteSpace(options.Database))
            return Path.GetFullPath(options.Database, folder);
        var inFolder = Path.Combine(folder, ".mooddj-index.db");
        if (CanWrite(folder)) return inFolder;
        // A read-only music folder: keep the index in the user's data folder, one file per music folder.
        var dataDir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "MoodDJ");
        Directory.CreateDirectory(dataDir);
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(folder)))[..16];
        return Path.Combine(dataDir, $"local-index-{hash}.db");
    }

    private static bool CanWrite(string folder)
    {
        try
        {
            var probe = Path.Combine(folder, $".mooddj-write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
