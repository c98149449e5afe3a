using System.Globalization;
using Microsoft.Extensions.Configuration;

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

    public static FernetOptions FromConfiguration(IConfiguration settings, IConfiguration? hostConfiguration)
    {
        var (text, source) = settings["key"] is { Length: > 0 } own
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
        var ttl = Seconds(settings, "ttlSeconds", 0);
        return new FernetOptions(key, ttl == 0 ? null : TimeSpan.FromSeconds(ttl), TimeSpan.FromSeconds(Seconds(settings, "handshakeTimeoutSeconds", 10) is var h && h > 0 ? h : 10));
    }

    private static double Seconds(IConfiguration settings, string name, double fallback)
    {
        if (settings[name] is not { Length: > 0 } text) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || value > 31_536_000)
            throw new InvalidOperationException($"plugins:settings:fernet:{name} must be a number of seconds from 0 to 31536000, not '{text}'.");
        return value;
    }
}
