using System.Globalization;
using MoodDJ.Abstractions.Settings;

namespace MoodDJ.Plugins.LocalLibrary;

/// <summary>Settings of the local source: <c>plugins:settings:local</c> in mooddj.json; each property is a key (camelCase).</summary>
public sealed class LocalLibraryOptions
{
    /// <summary>The folder of audio files (searched recursively). Required.</summary>
    public string Folder { get; set; } = "";

    /// <summary>The SQLite index file. Default: <c>.mooddj-index.db</c> in the folder, or the user's data folder if that is read-only.</summary>
    public string? Database { get; set; }

    /// <summary>The sidecar file of user overrides, relative to the folder.</summary>
    public string SidecarFile { get; set; } = "mooddj-moods.json";

    public string FfmpegPath { get; set; } = "ffmpeg";
    public string FfprobePath { get; set; } = "ffprobe";

    /// <summary>The extensions looked for when <see cref="Extensions"/> is not given.</summary>
    public static readonly IReadOnlyList<string> DefaultExtensions = [".mp3", ".flac", ".wav", ".ogg", ".opus", ".oga", ".m4a", ".aac", ".wma", ".aiff", ".aif", ".mka", ".webm"];

    /// <summary>
    /// File extensions considered audio; other files are ignored without probing. Unset means
    /// <see cref="DefaultExtensions"/>. Null by default because the binder appends to an array it finds
    /// filled, and a configured list replaces the defaults.
    /// </summary>
    public string[]? Extensions { get; set; }

    /// <summary>How much of each track is decoded for analysis (seconds).</summary>
    public double ExcerptSeconds { get; set; } = 30;

    /// <summary>The analysis sample rate (mono).</summary>
    public int AnalysisSampleRate { get; set; } = 22050;

    /// <summary>Files analysed at once while indexing.</summary>
    public int IndexParallelism { get; set; } = Math.Clamp(Environment.ProcessorCount, 1, 64);

    /// <summary>Longest a single probe or excerpt decode may take before the file is skipped (seconds).</summary>
    public double AnalysisTimeoutSeconds { get; set; } = 60;

    /// <summary>Files larger than this are skipped (MB).</summary>
    public double MaxFileMegabytes { get; set; } = 2048;

    /// <summary>The extensions in effect: the configured ones, or the defaults.</summary>
    public IReadOnlyList<string> AudioExtensions() => Extensions is { Length: > 0 } ? Extensions : DefaultExtensions;

    /// <summary>Throws <see cref="SettingsException"/> naming the full key (<paramref name="path"/>:key) of the setting that is wrong.</summary>
    public void Validate(string path = "plugins:settings:local")
    {
        if (string.IsNullOrWhiteSpace(Folder))
            throw SettingsRules.Invalid(path, "folder", "is required: the folder of audio files to index");
        if (!Directory.Exists(Folder))
            throw SettingsRules.Invalid(path, "folder", $"'{Folder}' does not exist");
        SettingsRules.Range(path, "excerptSeconds", ExcerptSeconds, 2, 600);
        SettingsRules.Range(path, "analysisSampleRate", AnalysisSampleRate, 8000, 48000);
        SettingsRules.Range(path, "indexParallelism", IndexParallelism, 1, 64);
        SettingsRules.Range(path, "analysisTimeoutSeconds", AnalysisTimeoutSeconds, 1, 3600);
        if (!(MaxFileMegabytes > 0) || !double.IsFinite(MaxFileMegabytes))
            throw SettingsRules.Invalid(path, "maxFileMegabytes", $"must be a positive number, not {MaxFileMegabytes.ToString(CultureInfo.InvariantCulture)}");
        if (Extensions is not null && Extensions.Any(string.IsNullOrWhiteSpace))
            throw SettingsRules.Invalid(path, "extensions", "must not hold an empty extension; list them like [\".mp3\", \".flac\"]");
    }
}
