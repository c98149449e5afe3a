using MoodDJ.Abstractions.Settings;

namespace MoodDJ.Plugins.SoundMood;

/// <summary>Settings of the audio mood analyzer (plugins:settings:audio in mooddj.json), checked.</summary>
public sealed class SoundMoodOptions
{
    /// <summary>Rate the clip is captured or decoded at; 22,050 Hz keeps every feature's band and halves the work of 44.1 kHz.</summary>
    public int SampleRate { get; init; } = 22050;

    /// <summary>Longest clip listened to, so a mistyped length cannot record for an hour.</summary>
    public TimeSpan MaxListen { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The capture device <c>alsa</c> alone means.</summary>
    public string Device { get; init; } = "default";

    public string ArecordPath { get; init; } = "arecord";
    public string FfmpegPath { get; init; } = "ffmpeg";

    /// <summary>Largest audio file read, so a wrong path to a huge file fails at once.</summary>
    public long MaxFileBytes { get; init; } = 512L * 1024 * 1024;

    public static SoundMoodOptions From(SoundMoodSettings settings, string path)
    {
        SettingsRules.Range(path, "sampleRate", settings.SampleRate, 8000, 96000);
        SettingsRules.Range(path, "maxListenSeconds", settings.MaxListenSeconds, 1, 600);
        SettingsRules.Range(path, "maxFileMegabytes", settings.MaxFileMegabytes, 1, 16384);
        SettingsRules.NotBlank(path, "device", settings.Device, "name an ALSA capture device such as \"default\" or \"hw:1\"");
        SettingsRules.NotBlank(path, "arecordPath", settings.ArecordPath, "use \"arecord\" (alsa-utils)");
        SettingsRules.NotBlank(path, "ffmpegPath", settings.FfmpegPath, "use \"ffmpeg\"");
        return new SoundMoodOptions
        {
            SampleRate = settings.SampleRate,
            MaxListen = TimeSpan.FromSeconds(settings.MaxListenSeconds),
            Device = settings.Device!,
            ArecordPath = settings.ArecordPath!,
            FfmpegPath = settings.FfmpegPath!,
            MaxFileBytes = settings.MaxFileMegabytes * 1024L * 1024,
        };
    }
}

/// <summary>The keys of plugins:settings:audio as written in mooddj.json.</summary>
public sealed class SoundMoodSettings
{
    public int SampleRate { get; set; } = 22050;
    public int MaxListenSeconds { get; set; } = 60;
    public string? Device { get; set; } = "default";
    public string? ArecordPath { get; set; } = "arecord";
    public string? FfmpegPath { get; set; } = "ffmpeg";
    public int MaxFileMegabytes { get; set; } = 512;
}
