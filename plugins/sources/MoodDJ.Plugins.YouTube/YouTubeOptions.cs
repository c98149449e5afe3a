using System.Globalization;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Settings;

namespace MoodDJ.Plugins.YouTube;

/// <summary>Settings of the youtube source: <c>plugins:settings:youtube</c> in mooddj.json; each property is a key (camelCase).</summary>
public sealed class YouTubeOptions
{
    public string YtDlpPath { get; set; } = "yt-dlp";
    public string FfmpegPath { get; set; } = "ffmpeg";

    /// <summary>Results asked of one search (ytsearchN); the director's own limit applies too.</summary>
    public int MaxResults { get; set; } = 5;

    /// <summary>
    /// The search words per mood (keys are mood labels, case-insensitive). A value that is an http(s)
    /// URL is played as it is (a stream, a file, a video page) instead of searched.
    /// </summary>
    public Dictionary<string, string> QueryTemplates { get; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["happy"] = "happy upbeat feel good music",
        ["energetic"] = "energetic workout music mix",
        ["calm"] = "calm relaxing instrumental music",
        ["sad"] = "sad emotional piano music",
        ["angry"] = "intense heavy rock music",
        ["romantic"] = "romantic love songs",
        ["focused"] = "focus study music instrumental",
        ["neutral"] = "chill background music",
    };

    /// <summary>An HTTP/SOCKS proxy for yt-dlp (its <c>--proxy</c>), or null for a direct connection.</summary>
    public string? Proxy { get; set; }

    /// <summary>yt-dlp's network timeout (seconds): a dead network fails within this.</summary>
    public int SocketTimeoutSeconds { get; set; } = 15;

    /// <summary>Longest the check that the network is reachable may take before a search (ms): no network is said within this, not after yt-dlp's own timeouts.</summary>
    public int ReachTimeoutMs { get; set; } = 1500;

    /// <summary>Longest a search or a metadata lookup may take (seconds).</summary>
    public int SearchTimeoutSeconds { get; set; } = 45;

    /// <summary>
    /// A folder to cache played tracks in (yt-dlp downloads each once, then it plays from the file), or null to
    /// stream without keeping anything. Point <c>swarm:cacheFolder</c> at the same folder and the station seeds
    /// every cached track to peers over BitTorrent.
    /// </summary>
    public string? CacheFolder { get; set; }

    /// <summary>Most the cache may hold (MiB); past it, the tracks played longest ago are deleted (0: no limit).</summary>
    public int CacheMaxMegabytes { get; set; } = 4096;

    /// <summary>Longest downloading one track into the cache may take (seconds).</summary>
    public int DownloadTimeoutSeconds { get; set; } = 600;

    /// <summary>Most search output read from yt-dlp (results text), in characters. Not a setting.</summary>
    internal const int MaxSearchOutputChars = 4 << 20;

    /// <summary>Arguments every yt-dlp run gets: no user config, the network timeout, the proxy.</summary>
    public List<string> CommonYtDlpArguments()
    {
        var args = new List<string> { "--no-warnings", "--ignore-config", "--socket-timeout", SocketTimeoutSeconds.ToString(CultureInfo.InvariantCulture) };
        if (!string.IsNullOrWhiteSpace(Proxy)) args.AddRange(["--proxy", Proxy]);
        return args;
    }

    public string QueryFor(MoodLabel mood)
        => QueryTemplates.TryGetValue(mood.ToString(), out var q) && !string.IsNullOrWhiteSpace(q) ? q
            : QueryTemplates.TryGetValue("neutral", out var n) && !string.IsNullOrWhiteSpace(n) ? n : "music";

    /// <summary>Throws <see cref="SettingsException"/> naming the full key (<paramref name="path"/>:key) of the setting that is wrong.</summary>
    public void Validate(string path = "plugins:settings:youtube")
    {
        SettingsRules.NotBlank(path, "ytDlpPath", YtDlpPath, "give the yt-dlp command or its path");
        SettingsRules.NotBlank(path, "ffmpegPath", FfmpegPath, "give the ffmpeg command or its path");
        SettingsRules.Range(path, "maxResults", MaxResults, 1, 50);
        SettingsRules.Range(path, "socketTimeoutSeconds", SocketTimeoutSeconds, 1, 600);
        SettingsRules.Range(path, "reachTimeoutMs", ReachTimeoutMs, 100, 60000);
        SettingsRules.Range(path, "searchTimeoutSeconds", SearchTimeoutSeconds, 1, 3600);
        SettingsRules.Range(path, "downloadTimeoutSeconds", DownloadTimeoutSeconds, 1, 86400);
        SettingsRules.Range(path, "cacheMaxMegabytes", CacheMaxMegabytes, 0, 16 * 1024 * 1024);
        // Names only: Enum.TryParse would also take "3" as a mood.
        foreach (var key in QueryTemplates.Keys)
            if (!Enum.GetNames<MoodLabel>().Contains(key, StringComparer.OrdinalIgnoreCase))
                throw SettingsRules.Invalid(path, $"queryTemplates:{key}", $"is not a mood; use one of {string.Join(", ", Enum.GetNames<MoodLabel>()).ToLowerInvariant()}");
    }
}
