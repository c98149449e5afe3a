namespace MoodDJ.Abstractions.Settings;

/// <summary>
/// A setting that cannot be used: an unknown key, a value of the wrong type or out of range. The
/// message is one line that names the key; the host adds where the value came from.
/// </summary>
public sealed class SettingsException(string key, string message) : ArgumentException(message)
{
    /// <summary>The full configuration key, e.g. <c>plugins:settings:opus:bitrate</c>.</summary>
    public string Key { get; } = key;
}
