using System.Globalization;

namespace MoodDJ.Abstractions.Settings;

/// <summary>The checks settings classes share, each failing with a <see cref="SettingsException"/> that names the key and the allowed values.</summary>
public static class SettingsRules
{
    public static void Range(string path, string key, long value, long min, long max)
    {
        if (value < min || value > max)
            throw Invalid(path, key, $"must be {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}, not {value.ToString(CultureInfo.InvariantCulture)}");
    }

    public static void Range(string path, string key, double value, double min, double max)
    {
        if (double.IsNaN(value) || value < min || value > max)
            throw Invalid(path, key, $"must be {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}, not {value.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>A string that, when given, must not be blank.</summary>
    public static void NotBlank(string path, string key, string? value, string fix)
    {
        if (value is not null && string.IsNullOrWhiteSpace(value))
            throw Invalid(path, key, $"must not be empty; {fix}");
    }

    public static SettingsException Invalid(string path, string key, string what) =>
        new($"{path}:{key}", $"{path}:{key} {what}.");
}
