using System.Text.Json;

namespace MoodDJ.Rooms.Control;

/// <summary>By-name parameters of the room methods; each error names the parameter and what it must be.</summary>
internal static class Params
{
    // The frame limit bounds a message anyway; this only stops a string far past any rule before the rules look at it.
    private const int HardLimit = 64 * 1024;

    public static string? String(JsonElement p, string name)
    {
        if (!TryGet(p, name, out var value)) return null;
        if (value.ValueKind != JsonValueKind.String) throw Invalid($"'{name}' must be a string.");
        var text = value.GetString()!;
        if (text.Length > HardLimit) throw Invalid($"'{name}' is {text.Length} characters; far past any limit.");
        return text;
    }

    public static string Required(JsonElement p, string name) => String(p, name) ?? throw Invalid($"'{name}' is required (a string).");

    public static bool? Bool(JsonElement p, string name)
    {
        if (!TryGet(p, name, out var value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Invalid($"'{name}' must be true or false."),
        };
    }

    public static int? Int(JsonElement p, string name)
    {
        if (!TryGet(p, name, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var n)) throw Invalid($"'{name}' must be a whole number.");
        return n;
    }

    public static DateTimeOffset? Time(JsonElement p, string name)
    {
        if (String(p, name) is not { } text) return null;
        if (!DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var at))
            throw Invalid($"'{name}' must be an ISO 8601 time such as 2026-11-30T06:15:00Z.");
        return at;
    }

    private static bool TryGet(JsonElement p, string name, out JsonElement value)
    {
        value = default;
        return p.ValueKind == JsonValueKind.Object && p.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }

    private static RoomsException Invalid(string message) => new(RoomsError.Invalid, message);
}
