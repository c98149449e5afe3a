using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace MoodDJ.Abstractions.Settings;

/// <summary>
/// Binds a configuration section onto a settings class the strict way: a key the class does not
/// have is an error with a did-you-mean, and a value that does not convert names its key and the
/// type expected. Values convert with the invariant culture (the configuration binder's own rule),
/// so "0.5" means the same on every machine.
/// </summary>
public static class SettingsBinder
{
    /// <summary>Binds <paramref name="section"/> (at <paramref name="path"/>, for messages) onto a new <typeparamref name="T"/>.</summary>
    public static T Bind<T>(IConfiguration section, string path) where T : class, new()
    {
        var settings = new T();
        BindInto(settings, section, path);
        return settings;
    }

    /// <summary>Binds <paramref name="section"/> onto an existing object (options pattern's Configure).</summary>
    public static void BindInto(object settings, IConfiguration section, string path)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(section);
        Check(settings.GetType(), section, path);
        try
        {
            section.Bind(settings);
        }
        catch (InvalidOperationException ex)
        {
            // Check above covers scalar members; this is what it cannot foresee (nested objects).
            throw new SettingsException(path, $"{path}: {ex.Message}");
        }
    }

    private static void Check(Type type, IConfiguration section, string path)
    {
        var properties = Bindable(type);
        foreach (var child in section.GetChildren())
        {
            var key = $"{path}:{child.Key}";
            var property = properties.FirstOrDefault(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
                throw new SettingsException(key, UnknownKeyMessage(key, child.Key, properties.Select(p => Camel(p.Name)).ToArray()));
            CheckValue(property.PropertyType, child, key);
        }
    }

    private static void CheckValue(Type type, IConfigurationSection child, string key)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (child.Value is null) return;  // an object or array: the binder handles it
        if (target == typeof(string) || child.Value.Length == 0) return;
        if (!IsScalar(target)) return;
        bool ok;
        try
        {
            ok = TypeDescriptor.GetConverter(target).ConvertFromInvariantString(child.Value) is not null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException || e.InnerException is FormatException or OverflowException)
        {
            ok = false;
        }
        if (!ok)
            throw new SettingsException(key, $"{key} must be {Describe(target)}, not '{child.Value}'.");
    }

    /// <summary>"x is not a known key; did you mean y? s takes: a, b, c." — for any section's unknown key.</summary>
    public static string UnknownKeyMessage(string fullKey, string key, IReadOnlyCollection<string> known)
    {
        var guess = Suggestion.Closest(key, known);
        if (guess is not null)
            return $"{fullKey} is not a known key. Did you mean '{guess}'?";
        var section = fullKey.Contains(':') ? fullKey[..fullKey.LastIndexOf(':')] : "the file";
        return $"{fullKey} is not a known key; {section} takes: {(known.Count == 0 ? "no keys" : string.Join(", ", known))}.";
    }

    private static PropertyInfo[] Bindable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && (p.SetMethod?.IsPublic == true || IsCollection(p.PropertyType)))
            .ToArray();

    // A get-only list or dictionary is still filled by the binder; other get-only properties are computed.
    private static bool IsCollection(Type type) => type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type);

    private static bool IsScalar(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan) || t == typeof(Uri);
    }

    private static string Describe(Type type) => type switch
    {
        _ when type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) || type == typeof(uint) || type == typeof(ushort) || type == typeof(ulong) => "a whole number",
        _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number (with a '.' for decimals)",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(TimeSpan) => "a time span like 00:00:05",
        _ when type.IsEnum => $"one of {string.Join(", ", Enum.GetNames(type).Select(Camel))}",
        _ => $"a {type.Name}",
    };

    private static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];
}

/// <summary>Picks the known word closest to a misspelt one (edit distance), for did-you-mean hints.</summary>
public static class Suggestion
{
    public static string? Closest(string word, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var d = Distance(word.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance) (best, bestDistance) = (candidate, d);
        }
        // Only a near miss is a useful hint: at most a third of the word changed.
        return best is not null && bestDistance <= Math.Max(1, word.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
