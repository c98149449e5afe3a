using Microsoft.Extensions.Configuration;
using MoodDJ.Abstractions.Settings;

namespace MoodDJ.Plugins.AeadCrypto;

/// <summary>
/// Settings of the aead plugin (<c>plugins:settings:aead</c>): <c>key</c> (the station key, base64 of
/// 32 bytes; when absent the host's <c>station:key</c> is used) and <c>handshakeTimeoutSeconds</c>.
/// </summary>
public sealed class AeadOptions
{
    public const int StationKeyLength = 32;

    public AeadOptions(ReadOnlySpan<byte> stationKey, TimeSpan? handshakeTimeout = null)
    {
        if (stationKey.Length != StationKeyLength)
            throw new ArgumentException($"A station key is {StationKeyLength} bytes; this one is {stationKey.Length}. Make one with `mooddj keygen`.", nameof(stationKey));
        StationKey = stationKey.ToArray();
        HandshakeTimeout = handshakeTimeout ?? TimeSpan.FromSeconds(10);
        if (HandshakeTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(handshakeTimeout), "The handshake timeout must be positive.");
    }

    public byte[] StationKey { get; }

    /// <summary>How long a handshake may take before it fails (default 10 s).</summary>
    public TimeSpan HandshakeTimeout { get; }

    /// <summary>
    /// Reads the options from the plugin's settings, falling back to <c>station:key</c> of the host's
    /// configuration. Throws <see cref="InvalidOperationException"/> with an actionable message.
    /// </summary>
    public static AeadOptions FromConfiguration(IConfiguration settings, IConfiguration? hostConfiguration) =>
        From(Validated(SettingsBinder.Bind<AeadSettings>(settings, "plugins:settings:aead")), hostConfiguration);

    private static AeadSettings Validated(AeadSettings settings) { settings.Validate("plugins:settings:aead"); return settings; }

    /// <summary>The options from bound settings, the key falling back to the host's <c>station:key</c>.</summary>
    public static AeadOptions From(AeadSettings settings, IConfiguration? hostConfiguration)
    {
        var (text, source) = settings.Key is { Length: > 0 } own
            ? (own, "plugins:settings:aead:key")
            : (hostConfiguration?["station:key"], "station:key");
        if (string.IsNullOrWhiteSpace(text))
            throw new InvalidOperationException(
                "The aead crypto plugin needs a station key: set station:key in mooddj.json (\"station\": { \"key\": \"...\" }, or plugins:settings:aead:key) " +
                "to the output of `mooddj keygen`, and give clients the same key. To run without encryption, name \"crypto\": \"none\" explicitly.");
        var key = StationKeyText.Parse(text, source);

        return new AeadOptions(key, TimeSpan.FromSeconds(settings.HandshakeTimeoutSeconds));
    }
}

/// <summary>The keys of plugins:settings:aead as written in mooddj.json.</summary>
public sealed class AeadSettings
{
    /// <summary>The station key (base64 of 32 bytes); when absent the host's station:key is used.</summary>
    public string? Key { get; set; }

    public double HandshakeTimeoutSeconds { get; set; } = 10;

    public void Validate(string path) => SettingsRules.Range(path, "handshakeTimeoutSeconds", HandshakeTimeoutSeconds, 0.001, 3600);
}

/// <summary>Parses a station key written as base64 (standard or URL-safe, as `mooddj keygen` prints it).</summary>
internal static class StationKeyText
{
    public static byte[] Parse(string text, string source)
    {
        var normalized = text.Trim().Replace('-', '+').Replace('_', '/');
        if (normalized.Length % 4 != 0)
            normalized = normalized.PadRight(normalized.Length + (4 - normalized.Length % 4), '=');
        byte[] key;
        try
        {
            key = Convert.FromBase64String(normalized);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{source} is not base64. Make a station key with `mooddj keygen`.");
        }
        if (key.Length != AeadOptions.StationKeyLength)
            throw new InvalidOperationException($"{source} decodes to {key.Length} bytes; a station key is {AeadOptions.StationKeyLength} bytes. Make one with `mooddj keygen`.");
        return key;
    }
}
