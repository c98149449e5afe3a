using MoodDJ.Abstractions.Settings;

namespace MoodDJ.Plugins.Icecast;

/// <summary>Settings of the icecast output: <c>plugins:settings:icecast</c> in mooddj.json.</summary>
public sealed class IcecastSettings
{
    /// <summary>The mount to push to: icecast://host:port/mount (no password here; see <see cref="Password"/>).</summary>
    public string Url { get; set; } = "icecast://127.0.0.1:8000/mooddj.opus";

    public string User { get; set; } = "source";

    /// <summary>The source password from icecast.xml (&lt;source-password&gt;). Needed when the output is opened (not
    /// when the plugin loads, so hosts that never use this output do not need it).</summary>
    public string Password { get; set; } = "";

    /// <summary>"opus" (Ogg/Opus, 20 ms pages: low delay, every browser) or "mp3" (the oldest players).</summary>
    public string Format { get; set; } = "opus";

    public int BitrateKbps { get; set; } = 128;

    /// <summary>Shown by Icecast and players (ice-name).</summary>
    public string StreamName { get; set; } = "MoodDJ";

    public string Description { get; set; } = "Music that follows the mood";

    /// <summary>How long to wait before pushing again after Icecast went away.</summary>
    public int ReconnectDelayMs { get; set; } = 1000;

    /// <summary>Audio kept while ffmpeg or the network stalls; older audio is dropped beyond it, so the player never blocks.</summary>
    public int MaxBufferedMs { get; set; } = 2000;

    public string FfmpegPath { get; set; } = "ffmpeg";

    public void Validate(string path)
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out Uri? uri) || uri.Scheme != "icecast" || uri.AbsolutePath.Length < 2)
            throw SettingsRules.Invalid(path, "url", $"must be icecast://host:port/mount, not \"{Url}\"");
        if (!string.IsNullOrEmpty(uri.UserInfo))
            throw SettingsRules.Invalid(path, "url", "must not carry a user or password; set user and password instead");
        if (Format is not ("opus" or "mp3"))
            throw SettingsRules.Invalid(path, "format", $"must be opus or mp3, not \"{Format}\"");
        SettingsRules.Range(path, "bitrateKbps", BitrateKbps, 16, 320);
        SettingsRules.Range(path, "reconnectDelayMs", ReconnectDelayMs, 100, 60_000);
        SettingsRules.Range(path, "maxBufferedMs", MaxBufferedMs, 100, 30_000);
    }
}
