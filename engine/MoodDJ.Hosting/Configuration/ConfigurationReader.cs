using Microsoft.Extensions.Configuration;
using MoodDJ.Abstractions.Settings;
using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Configuration;

/// <summary>
/// Reads typed values from configuration and fails with a message that names the key, the value,
/// where it came from and what is expected (the binder's own errors name none of these).
/// </summary>
public sealed class ConfigurationReader(IConfiguration configuration)
{
    public IConfiguration Configuration { get; } = configuration;

    public string? GetString(string key)
    {
        var section = Configuration.GetSection(key);
        // A child key means someone wrote an object or array here (a default string value may sit beside it).
        if (section.GetChildren().Any())
            throw WrongType(key, "a string", "an object or array");
        return section.Value;
    }

    public string GetRequiredString(string key)
    {
        var value = GetString(key);
        if (string.IsNullOrWhiteSpace(value))
            throw new ConfigurationException($"{key} is empty (from {ConfigurationSourceName.Of(Configuration, key)}). Set it; see docs/configuration.md.");
        return value.Trim();
    }

    public bool GetBool(string key, bool fallback)
    {
        var value = GetString(key);
        if (string.IsNullOrWhiteSpace(value)) return fallback;
        if (bool.TryParse(value.Trim(), out var result)) return result;
        throw WrongType(key, "true or false", $"'{value}'");
    }

    public int GetInt(string key, int fallback, int min, int max)
    {
        var value = GetString(key);
        if (string.IsNullOrWhiteSpace(value)) return fallback;
        if (!int.TryParse(value.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var result))
            throw WrongType(key, $"a whole number from {min} to {max}", $"'{value}'");
        if (result < min || result > max)
            throw new ConfigurationException($"{key} = {result} (from {ConfigurationSourceName.Of(Configuration, key)}) is out of range: use {min}..{max}.");
        return result;
    }

    /// <summary>Fails on a key under <paramref name="section"/> that is not in <paramref name="known"/> (a typo would otherwise be ignored silently).</summary>
    public void RejectUnknownKeys(string section, IReadOnlyCollection<string> known)
    {
        foreach (var child in Configuration.GetSection(section).GetChildren())
        {
            if (known.Contains(child.Key, StringComparer.OrdinalIgnoreCase)) continue;
            var key = $"{section}:{child.Key}";
            throw ConfigurationErrors.WithSource(new SettingsException(key, SettingsBinder.UnknownKeyMessage(key, child.Key, known)), Configuration);
        }
    }

    /// <summary>A list written as a JSON array, or as one comma-separated string (handy on the command line).</summary>
    public IReadOnlyList<string> GetStringList(string key)
    {
        var section = Configuration.GetSection(key);
        var children = section.GetChildren().ToArray();
        // A later layer may write a plain string over an array from an earlier one (or the reverse).
        if (children.Length == 0 || WinsOverChildren(key))
            return Split(section.Value ?? "");

        var items = new List<(int Index, string Value)>();
        foreach (var child in children)
        {
            if (!int.TryParse(child.Key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
                throw WrongType(key, "an array of strings", "an object");
            if (child.Value is null)
                throw WrongType($"{key}:{child.Key}", "a string", "an object or array");
            items.Add((index, child.Value.Trim()));
        }
        return items.OrderBy(i => i.Index).Select(i => i.Value).Where(v => v.Length > 0).ToArray();
    }

    /// <summary>True when the layer that set the key itself (a string, or an empty array) comes after every layer that set items under it.</summary>
    private bool WinsOverChildren(string key)
    {
        if (Configuration is not IConfigurationRoot root) return false;
        var providers = root.Providers.ToArray();
        int valueLayer = -1, childLayer = -1;
        for (var i = 0; i < providers.Length; i++)
        {
            if (providers[i].TryGet(key, out _)) valueLayer = i;
            if (providers[i].GetChildKeys([], key).Any()) childLayer = i;
        }
        return valueLayer > childLayer;
    }

    private static string[] Split(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private ConfigurationException WrongType(string key, string expected, string actual) =>
        new($"{key} must be {expected}, but is {actual} (from {ConfigurationSourceName.Of(Configuration, key)}). Fix it; see docs/configuration.md.");
}
