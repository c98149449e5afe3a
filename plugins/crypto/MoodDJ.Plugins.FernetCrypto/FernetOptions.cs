using Microsoft.Extensions.Configuration;
using MoodDJ.Abstractions.Settings;

namespace MoodDJ.Plugins.FernetCrypto;

/// <summary>
/// Settings of the fernet plugin (<c>plugins:settings:fernet</c>): <c>key</c> (a Fernet key, URL-safe
/// base64 of 32 bytes as Python's <c>Fernet.generate_key()</c> prints; when absent the host's
/// <c>station:key</c> is used), <c>ttlSeconds</c> (reject tokens older than this; 0 = no check, the
/// default) and <c>handshakeTimeoutSeconds</c> (default 10).
/// </summary>
public sealed class FernetOptions
{
    public FernetOptions(ReadOnlySpan<byte> key, TimeSpan? ttl = null, TimeSpan? handshakeTimeout = null, TimeProvider? clock = null)
    {
        if (key.Length != FernetToken.KeyLength)
            throw new ArgumentException($"A Fernet key is {FernetToken.KeyLength} bytes, not {key.Length}.", nameof(key));
        if (ttl is { } t && t <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(ttl), "The TTL must be positive (or null for no check).");
        Key = key.ToArray();
        Ttl = ttl;
        HandshakeTimeout = handshakeTimeout ?? TimeSpan.FromSeconds(10);
        Clock = clock ?? TimeProvider.System;
    }

    public byte[] Key { get; }

    /// <summary>The most age a token may have when opened; null: no check.</summary>
    public TimeSpan? Ttl { get; }

    public TimeSpan HandshakeTimeout { get; }

    /// <summary>The clock for token timestamps and TTL checks.</summary>
    public TimeProvider Clock { get; }

    public static FernetOptions FromConfiguration(IConfiguration settings, IConfiguration? hostConfiguration) =>
        From(Validated(SettingsBinder.Bind<FernetSettings>(settings, "plugins:settings:fernet")), hostConfiguration);

    private static FernetSettings Validated(FernetSettings settings) { settings.Validate("plugins:settings:fernet"); return settings; }

    /// <summary>The options from bound settings, the key falling back to the host's <c>station:key</c>.</summary>
    public static FernetOptions From(FernetSettings settings, IConfiguration? hostConfiguration)
    {
        var (text, source) = settings.Key is { Length: > 0 } own
            ? (own, "plugins:settings:fernet:key")
            : (hostConfiguration?["station:key"], "station:key");
        if (string.IsNullOrWhiteSpace(text))
            throw new InvalidOperationException(
                "The fernet crypto plugin needs a key: set plugins:settings:fernet:key (a Fernet key, e.g. from Python's Fernet.generate_key()) " +
                "or station:key (from `mooddj keygen`) in mooddj.json, the same on both ends.");
        byte[] key;
        try
        {
            key = FernetToken.ParseKey(text);
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"{source}: {ex.Message}");
        }
        var ttl = settings.TtlSeconds;
        return new FernetOptions(key, ttl == 0 ? null : TimeSpan.FromSeconds(ttl), TimeSpan.FromSeconds(settings.HandshakeTimeoutSeconds));
    }
}

/// <summary>The keys of plugins:settings:fernet as written in mooddj.json.</summary>
public sealed class FernetSettings
{
    /// <summary>A Fernet key (URL-safe base64 of 32 bytes); when absent the host's station:key is used.</summary>
    public string? Key { get; set; }

    /// <summary>Reject tokens older than this; 0 = no check.</summary>
    public double TtlSeconds { get; set; }

    public double HandshakeTimeoutSeconds { get; set; } = 10;

    public void Validate(string path)
    {
        SettingsRules.Range(path, "ttlSeconds", TtlSeconds, 0, 31_536_000);
        SettingsRules.Range(path, "handshakeTimeoutSeconds", HandshakeTimeoutSeconds, 0.001, 3600);
    }
}
