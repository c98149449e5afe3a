using System.Globalization;
using Microsoft.Extensions.Configuration;
using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Plugins.YouTube;

/// <summary>Settings of the youtube source: <c>plugins:settings:youtube</c> in mooddj.json.</summary>
public sealed class YouTubeOptions
{
    private const string Prefix = "plugins:settings:youtube";

    public string YtDlpPath { get; set; } = "yt-dlp";
    public string FfmpegPath { get; set; } = "ffmpeg";

    /// <summary>Results asked of one search (ytsearchN); the director's own limit applies too.</summary>
    public int MaxResults { get; set; } = 5;

    /// <summary>
    /// The search words per mood (keys are mood labels, case-insensitive). A value that is an http(s)
    /// URL is played as it is (a stream, a file, a video page) instead of searched.
    /// </summary>
    public Dictionary<string, string> QueryTemplates { get; set; } = new(StringComparer.OrdinalIgnoreCase)
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

    /// <summary>Longest yt-dlp may take to run the query (search results text), in characters.</summary>
    public int MaxSearchOutputChars { get; set; } = 4 << 20;

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

    public static YouTubeOptions Bind(IConfiguration settings)
    {
        var o = new YouTubeOptions();
        o.YtDlpPath = settings["ytDlpPath"] ?? o.YtDlpPath;
        o.FfmpegPath = settings["ffmpegPath"] ?? o.FfmpegPath;
        o.Proxy = settings["proxy"] ?? o.Proxy;
        o.MaxResults = Int(settings, "maxResults", o.MaxResults);
        o.SocketTimeoutSeconds = Int(settings, "socketTimeoutSeconds", o.SocketTimeoutSeconds);
        o.SearchTimeoutSeconds = Int(settings, "searchTimeoutSeconds", o.SearchTimeoutSeconds);
        o.ReachTimeoutMs = Int(settings, "reachTimeoutMs", o.ReachTimeoutMs);
        foreach (var child in settings.GetSection("queryTemplates").GetChildren())
            if (child.Value is { } value) o.QueryTemplates[child.Key] = value;
        o.Validate();
        return o;
    }

    public void Validate()
    {
        if (MaxResults is < 1 or > 50) throw new ArgumentException($"{Prefix}:maxResults must be 1..50, not {MaxResults}.");
        if (SocketTimeoutSeconds is < 1 or > 600) throw new ArgumentException($"{Prefix}:socketTimeoutSeconds must be 1..600, not {SocketTimeoutSeconds}.");
        if (ReachTimeoutMs is < 100 or > 60000) throw new ArgumentException($"{Prefix}:reachTimeoutMs must be 100..60000, not {ReachTimeoutMs}.");
        if (SearchTimeoutSeconds is < 1 or > 3600) throw new ArgumentException($"{Prefix}:searchTimeoutSeconds must be 1..3600, not {SearchTimeoutSeconds}.");
        foreach (var key in QueryTemplates.Keys)
            if (!Enum.TryParse<MoodLabel>(key, true, out _))
                throw new ArgumentException($"{Prefix}:queryTemplates:{key} is not a mood; use one of {string.Join(", ", Enum.GetNames<MoodLabel>()).ToLowerInvariant()}.");
    }

    private static int Int(IConfiguration settings, string key, int fallback)
    {
        var text = settings[key];
        if (text is null) return fallback;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v
            : throw new ArgumentException($"{Prefix}:{key} must be a whole number, not '{text}'.");
    }
}
