using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;
using MoodDJ.Plugins.Shared.Processes;
using MoodDJ.Plugins.Shared.Audio;

namespace MoodDJ.Plugins.YouTube;

/// <summary>
/// The "youtube" music source: searches with yt-dlp (<c>ytsearchN:&lt;words for the mood&gt;</c>) and
/// plays a result by piping <c>yt-dlp -f bestaudio -o -</c> into ffmpeg. Any URL yt-dlp understands
/// (a video page, a direct audio file) is a track too. Failures (no network, 404, a page with no
/// media, a missing tool) become <see cref="MusicSourceException"/>s that say what happened.
/// </summary>
public sealed class YouTubeMusicSource(YouTubeOptions options, ILogger? logger = null) : IPrefetchingMusicSource
{
    public const string SourceName = "youtube";
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly TrackDownloadCache? _cache = string.IsNullOrWhiteSpace(options.CacheFolder) ? null : new TrackDownloadCache(options);

    /// <summary>The yt-dlp query for <paramref name="mood"/>: a search, or the URL a user configured for it.</summary>
    public string QueryFor(MoodReading mood, int maxResults)
    {
        var query = options.QueryFor(mood.Label);
        return IsUrl(query) ? query : $"ytsearch{Math.Clamp(maxResults, 1, options.MaxResults)}:{query}";
    }

    /// <summary>A track for a URL, without asking the network (title is the URL until played).</summary>
    public static TrackInfo TrackFromUrl(string url, MoodReading? mood = null)
    {
        if (!IsUrl(url)) throw new ArgumentException($"'{url}' is not an http(s) URL.", nameof(url));
        return new TrackInfo { Source = SourceName, Id = url, Title = url, Valence = mood?.Valence ?? 0, Arousal = mood?.Arousal ?? 0, Tags = new Dictionary<string, string> { ["url"] = url } };
    }

    public async IAsyncEnumerable<TrackInfo> FindTracksAsync(MoodReading mood, int maxResults, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (maxResults <= 0) yield break;
        var query = QueryFor(mood, maxResults);
        var arguments = options.CommonYtDlpArguments();
        arguments.Add("--dump-json");
        if (!IsUrl(query)) arguments.Add("--flat-playlist");
        else arguments.Add("--no-playlist");
        arguments.AddRange(["--", query]);
        if (NetworkProbe.OnPath(options.YtDlpPath) && await NetworkProbe.CannotReachAsync(options.Proxy, query, TimeSpan.FromMilliseconds(options.ReachTimeoutMs), cancellationToken).ConfigureAwait(false) is { } unreachable)
            throw new MusicSourceException($"youtube search '{query}': yt-dlp cannot reach the network ({unreachable}; is the network down?)");
        var lines = await RunYtDlpAsync(arguments, $"search '{query}'", cancellationToken).ConfigureAwait(false);
        var yielded = 0;
        foreach (var line in lines)
        {
            if (yielded >= maxResults) yield break;
            if (ParseEntry(line, mood, query) is { } track)
            {
                yielded++;
                yield return track;
            }
        }
    }

    public async ValueTask<IPcmStream> OpenAsync(TrackInfo track, AudioFormat format, CancellationToken cancellationToken = default)
    {
        if (track.Source != SourceName)
            throw new MusicSourceException($"Track '{track}' belongs to source '{track.Source}', not '{SourceName}'.");
        var url = UrlOf(track);
        if (_cache is not null) return await OpenCachedAsync(track, url, format, cancellationToken).ConfigureAwait(false);
        var ytDlp = new ProcessCommand(options.YtDlpPath).WithArguments(
            [.. options.CommonYtDlpArguments(), "-q", "--no-progress", "--no-playlist", "-f", "bestaudio/best", "-o", "-", "--", url]);
        var ffmpeg = new ProcessCommand(options.FfmpegPath).WithStandardInput();
        try
        {
            return await FfmpegPcmStream.OpenAsync(format, track.Duration, canSeek: true, $"{track} ({url})", TimeSpan.Zero,
                (position, startToken) =>
                {
                    var decoder = ffmpeg.WithArguments(FfmpegArguments.DecodeToPcm("pipe:0", format, position)).Start();
                    RunningProcess feeder;
                    try
                    {
                        feeder = ytDlp.Start();
                    }
                    catch
                    {
                        _ = decoder.DisposeAsync();
                        throw;
                    }
                    var pump = ProcessPipe.PumpAsync(feeder.StandardOutput, decoder);
                    return ValueTask.FromResult(new DecodePipeline(decoder, feeder, pump));
                }, cancellationToken).ConfigureAwait(false);
        }
        catch (ProcessCommandException e)
        {
            throw new MusicSourceException($"Cannot play {url}: {e.Message}", e);
        }
    }

    /// <summary>With <c>cacheFolder</c> set, downloads the track into the cache now (the director asks for the next queued track); otherwise nothing.</summary>
    public async ValueTask PrefetchAsync(TrackInfo track, CancellationToken cancellationToken = default)
    {
        if (_cache is null || track.Source != SourceName) return;
        await _cache.GetAsync(UrlOf(track), cancellationToken).ConfigureAwait(false);
    }

    private static string UrlOf(TrackInfo track) =>
        IsUrl(track.Id) ? track.Id
        : track.Id.Length == 11 && track.Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? "https://www.youtube.com/watch?v=" + track.Id
        : throw new MusicSourceException($"Track id '{track.Id}' is neither a URL nor a YouTube video id.");

    /// <summary>With <c>cacheFolder</c> set: downloads the audio once into the cache (the station seeds it to peers), then decodes the file.</summary>
    private async ValueTask<IPcmStream> OpenCachedAsync(TrackInfo track, string url, AudioFormat format, CancellationToken cancellationToken)
    {
        var path = await _cache!.GetAsync(url, cancellationToken).ConfigureAwait(false);
        var ffmpeg = new ProcessCommand(options.FfmpegPath);
        try
        {
            return await FfmpegPcmStream.OpenAsync(format, track.Duration, canSeek: true, $"{track} ({path})", TimeSpan.Zero,
                (position, _) => ValueTask.FromResult(new DecodePipeline(ffmpeg.WithArguments(FfmpegArguments.DecodeToPcm(path, format, position)).Start())),
                cancellationToken).ConfigureAwait(false);
        }
        catch (ProcessCommandException e)
        {
            throw new MusicSourceException($"Cannot play {url} (cached as {path}): {e.Message}", e);
        }
    }

    private async Task<List<string>> RunYtDlpAsync(List<string> arguments, string what, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.SearchTimeoutSeconds));
        try
        {
            var result = await new ProcessCommand(options.YtDlpPath).WithArguments(arguments)
                .ExecuteBufferedAsync(YouTubeOptions.MaxSearchOutputChars, timeout.Token).ConfigureAwait(false);
            return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MusicSourceException($"youtube {what}: yt-dlp gave no answer within {options.SearchTimeoutSeconds} s (is the network down?).");
        }
        catch (ProcessCommandException e)
        {
            var error = e.StderrTail.Split('\n').LastOrDefault(l => l.StartsWith("ERROR:", StringComparison.Ordinal));
            throw new MusicSourceException($"youtube {what} failed: {error ?? e.Message}" +
                (error is not null && LooksLikeNetwork(error) ? " (is the network down?)" : "") +
                (e is ExecutableNotFoundException ? "" : $" (command: {e.CommandLine})"), e);
        }
    }

    private TrackInfo? ParseEntry(string line, MoodReading mood, string query)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            var e = json.RootElement;
            string? Text(string name) => e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            var url = Text("webpage_url") ?? Text("original_url") ?? Text("url")
                ?? (Text("id") is { } id ? "https://www.youtube.com/watch?v=" + id : null);
            if (url is null) return null;
            TimeSpan? duration = e.TryGetProperty("duration", out var d) && d.ValueKind == JsonValueKind.Number && d.GetDouble() > 0
                ? TimeSpan.FromSeconds(d.GetDouble()) : null;
            var tags = new Dictionary<string, string> { ["url"] = url, ["query"] = query };
            return new TrackInfo
            {
                Source = SourceName,
                Id = url,
                Title = Text("title") ?? url,
                Artist = Text("channel") ?? Text("uploader") ?? "",
                Duration = duration,
                Valence = mood.Valence, // the search asked for this mood; nothing better is known
                Arousal = mood.Arousal,
                Tags = tags,
            };
        }
        catch (JsonException)
        {
            _logger.LogWarning("yt-dlp printed a line that is not JSON; ignored: {Line}", line.Length > 200 ? line[..200] : line);
            return null;
        }
    }

    private static bool LooksLikeNetwork(string error)
        => error.Contains("urlopen error", StringComparison.OrdinalIgnoreCase) || error.Contains("Connection refused", StringComparison.OrdinalIgnoreCase)
           || error.Contains("Name or service not known", StringComparison.OrdinalIgnoreCase) || error.Contains("timed out", StringComparison.OrdinalIgnoreCase)
           || error.Contains("Temporary failure in name resolution", StringComparison.OrdinalIgnoreCase) || error.Contains("Unable to connect to proxy", StringComparison.OrdinalIgnoreCase) || error.Contains("Network is unreachable", StringComparison.OrdinalIgnoreCase);

    private static bool IsUrl(string text)
        => Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
