using Microsoft.Extensions.Configuration;
using MoodDJ.Abstractions.Settings;

namespace MoodDJ.Music;

/// <summary>
/// The <c>music</c> section of mooddj.json: how the <see cref="MusicDirector"/> picks, buffers and
/// changes tracks. Every limit is explicit and checked by <see cref="Validate"/>.
/// </summary>
public sealed class MusicOptions
{
    public const string NextTrack = "next-track";
    public const string Crossfade = "crossfade";

    /// <summary>When a new mood takes effect: "crossfade" (at once, the default: a new mood is heard within seconds) or "next-track" (the current track plays out).</summary>
    public string MoodChange { get; set; } = Crossfade;

    /// <summary>Length of the equal-power crossfade when a new mood takes effect at once (a musical 3 s).</summary>
    public int CrossfadeMs { get; set; } = 3000;

    /// <summary>Longest <see cref="MusicDirector.SetMoodAsync"/> waits for the new mood's track to start fading in (so the reply can name it).</summary>
    public int MoodChangeWaitMs { get; set; } = 3000;

    /// <summary>
    /// Where likes and dislikes are kept (JSON). Empty: $XDG_DATA_HOME/mooddj/preferences.json
    /// (~/.local/share/mooddj/preferences.json). "none": not kept across restarts.
    /// </summary>
    public string PreferencesFile { get; set; } = "";

    /// <summary>Length of the fade when a track is skipped (short: long enough to avoid a click).</summary>
    public int SkipFadeMs { get; set; } = 30;

    /// <summary>How much decoded audio each playing track keeps ready (decode-ahead buffer).</summary>
    public int BufferMs { get; set; } = 2000;

    /// <summary>
    /// Longest a read waits for audio that is on its way (a decoder catching up, a track opening)
    /// before it pads with silence. Small for a real-time station; tests raise it.
    /// </summary>
    public int MaxReadWaitMs { get; set; } = 20;

    /// <summary>Tracks remembered as recently played; they are not picked again while others fit.</summary>
    public int RecentTracks { get; set; } = 20;

    /// <summary>Played tracks kept in <see cref="MusicDirector.History"/>.</summary>
    public int HistoryLimit { get; set; } = 100;

    /// <summary>Candidates asked of a source per search.</summary>
    public int SearchResults { get; set; } = 10;

    /// <summary>Longest a source may take to search or to open a track before the next one is tried.</summary>
    public int SourceTimeoutMs { get; set; } = 20000;

    /// <summary>After every source failed or found nothing, wait this long before trying again.</summary>
    public int RetryDelayMs { get; set; } = 3000;

    /// <summary>The file <see cref="PreferencesFile"/> names, or null when preferences are not kept.</summary>
    public string? ResolvedPreferencesFile => PreferencesFile switch
    {
        "" => Path.Combine(DataHome(), "mooddj", "preferences.json"),
        var none when none.Equals("none", StringComparison.OrdinalIgnoreCase) => null,
        var path => Path.GetFullPath(path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(Home(), path[2..]) : path),
    };

    public bool CrossfadeOnMoodChange => string.Equals(MoodChange, Crossfade, StringComparison.OrdinalIgnoreCase);

    /// <summary>Binds the <c>music</c> section and validates it.</summary>
    public static MusicOptions FromConfiguration(IConfiguration configuration)
    {
        var options = SettingsBinder.Bind<MusicOptions>(configuration.GetSection("music"), "music");
        options.Validate();
        return options;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the key that is wrong and what it accepts.</summary>
    public void Validate()
    {
        if (!string.Equals(MoodChange, NextTrack, StringComparison.OrdinalIgnoreCase) && !CrossfadeOnMoodChange)
            throw new ArgumentException($"music:moodChange must be \"{NextTrack}\" or \"{Crossfade}\", not \"{MoodChange}\".");
        Check(CrossfadeMs, 10, 30000, "crossfadeMs");
        Check(SkipFadeMs, 1, 5000, "skipFadeMs");
        Check(MoodChangeWaitMs, 0, 60000, "moodChangeWaitMs");
        Check(BufferMs, 100, 60000, "bufferMs");
        Check(MaxReadWaitMs, 0, 60000, "maxReadWaitMs");
        Check(RecentTracks, 0, 10000, "recentTracks");
        Check(HistoryLimit, 1, 100000, "historyLimit");
        Check(SearchResults, 1, 1000, "searchResults");
        Check(SourceTimeoutMs, 100, 600000, "sourceTimeoutMs");
        Check(RetryDelayMs, 10, 600000, "retryDelayMs");
    }

    private static string Home() => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    private static string DataHome() =>
        Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg) ? xdg : Path.Combine(Home(), ".local", "share");

    private static void Check(int value, int min, int max, string key)
    {
        if (value < min || value > max)
            throw new SettingsException($"music:{key}", $"music:{key} must be {min}..{max}, not {value}.");
    }
}
