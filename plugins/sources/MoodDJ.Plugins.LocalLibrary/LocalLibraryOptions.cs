using Microsoft.Extensions.Configuration;

namespace MoodDJ.Plugins.LocalLibrary;

/// <summary>Settings of the local source: <c>plugins:settings:local</c> in mooddj.json.</summary>
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

    /// <summary>File extensions considered audio; other files are ignored without probing.</summary>
    public string[] Extensions { get; set; } = [".mp3", ".flac", ".wav", ".ogg", ".opus", ".oga", ".m4a", ".aac", ".wma", ".aiff", ".aif", ".mka", ".webm"];

    /// <summary>How much of each track is decoded for analysis (seconds).</summary>
    public double ExcerptSeconds { get; set; } = 30;

    /// <summary>The analysis sample rate (mono).</summary>
    public int AnalysisSampleRate { get; set; } = 22050;

    /// <summary>Files analysed at once while indexing.</summary>
    public int IndexParallelism { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Longest a single probe or excerpt decode may take before the file is skipped (seconds).</summary>
    public double AnalysisTimeoutSeconds { get; set; } = 60;

    /// <summary>Files larger than this are skipped (MB).</summary>
    public double MaxFileMegabytes { get; set; } = 2048;

    public static LocalLibraryOptions Bind(IConfiguration settings)
    {
        // Read by hand: the plugin ships no configuration binder of its own.
        var o = new LocalLibraryOptions();
        o.Folder = settings["folder"] ?? o.Folder;
        o.Database = settings["database"] ?? o.Database;
        o.SidecarFile = settings["sidecarFile"] ?? o.SidecarFile;
        o.FfmpegPath = settings["ffmpegPath"] ?? o.FfmpegPath;
        o.FfprobePath = settings["ffprobePath"] ?? o.FfprobePath;
        o.ExcerptSeconds = Number(settings, "excerptSeconds", o.ExcerptSeconds);
        o.AnalysisSampleRate = (int)Number(settings, "analysisSampleRate", o.AnalysisSampleRate);
        o.IndexParallelism = (int)Number(settings, "indexParallelism", o.IndexParallelism);
        o.AnalysisTimeoutSeconds = Number(settings, "analysisTimeoutSeconds", o.AnalysisTimeoutSeconds);
        o.MaxFileMegabytes = Number(settings, "maxFileMegabytes", o.MaxFileMegabytes);
        var extensions = settings.GetSection("extensions").GetChildren().Select(c => c.Value).OfType<string>().ToArray();
        if (extensions.Length > 0) o.Extensions = extensions;
        o.Validate();
        return o;
    }

    private static double Number(IConfiguration settings, string key, double fallback)
    {
        var text = settings[key];
        if (text is null) return fallback;
        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"plugins:settings:local:{key} must be a number, not '{text}'.");
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting that is wrong.</summary>
    public void Validate()
    {
        const string prefix = "plugins:settings:local";
        if (string.IsNullOrWhiteSpace(Folder))
            throw new ArgumentException($"{prefix}:folder is required: the folder of audio files to index.");
        if (!Directory.Exists(Folder))
            throw new ArgumentException($"{prefix}:folder '{Folder}' does not exist.");
        if (ExcerptSeconds is < 2 or > 600)
            throw new ArgumentException($"{prefix}:excerptSeconds must be 2..600, not {ExcerptSeconds}.");
        if (AnalysisSampleRate is < 8000 or > 48000)
            throw new ArgumentException($"{prefix}:analysisSampleRate must be 8000..48000, not {AnalysisSampleRate}.");
        if (IndexParallelism is < 1 or > 64)
            throw new ArgumentException($"{prefix}:indexParallelism must be 1..64, not {IndexParallelism}.");
        if (AnalysisTimeoutSeconds is < 1 or > 3600)
            throw new ArgumentException($"{prefix}:analysisTimeoutSeconds must be 1..3600, not {AnalysisTimeoutSeconds}.");
        if (MaxFileMegabytes <= 0)
            throw new ArgumentException($"{prefix}:maxFileMegabytes must be positive, not {MaxFileMegabytes}.");
        if (Extensions.Length == 0)
            throw new ArgumentException($"{prefix}:extensions must list at least one extension.");
    }
}
