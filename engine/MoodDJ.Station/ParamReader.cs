using System.Text.Json;
using MoodDJ.Protocol;

namespace MoodDJ.Station;

/// <summary>
/// Reads by-name JSON-RPC parameters (the records in MoodDJ.Protocol.Messages give their shapes).
/// Each reader names the parameter and what it must be, so a bad request gets a one-line error;
/// unknown members are ignored so newer clients keep working.
/// </summary>
internal static class ParamReader
{
    public static string RequiredString(JsonElement parameters, string name, int maxLength) =>
        OptionalString(parameters, name, maxLength) ?? throw JsonRpcException.InvalidParams($"'{name}' is required (a string).");

    public static string? OptionalString(JsonElement parameters, string name, int maxLength)
    {
        if (!TryGet(parameters, name, out var value))
            return null;
        if (value.ValueKind != JsonValueKind.String)
            throw JsonRpcException.InvalidParams($"'{name}' must be a string.");
        var text = value.GetString()!;
        if (text.Length > maxLength)
            throw JsonRpcException.InvalidParams($"'{name}' is {text.Length} characters; the limit is {maxLength}.");
        return text;
    }

    public static bool OptionalBool(JsonElement parameters, string name)
    {
        if (!TryGet(parameters, name, out var value))
            return false;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw JsonRpcException.InvalidParams($"'{name}' must be true or false."),
        };
    }

    public static int RequiredInt(JsonElement parameters, string name, int min, int max)
    {
        if (!TryGet(parameters, name, out var value) || value.ValueKind != JsonValueKind.Number
            || !value.TryGetInt32(out var number) || number < min || number > max)
            throw JsonRpcException.InvalidParams($"'{name}' is required: a whole number {min}..{max}.");
        return number;
    }

    public static long RequiredLong(JsonElement parameters, string name, long min, long max)
    {
        if (!TryGet(parameters, name, out var value) || value.ValueKind != JsonValueKind.Number
            || !value.TryGetInt64(out var number) || number < min || number > max)
            throw JsonRpcException.InvalidParams($"'{name}' is required: a whole number {min}..{max}.");
        return number;
    }

    public static double RequiredDouble(JsonElement parameters, string name)
    {
        if (!TryGet(parameters, name, out var value) || value.ValueKind != JsonValueKind.Number)
            throw JsonRpcException.InvalidParams($"'{name}' is required (a number).");
        return value.GetDouble();
    }

    /// <summary>Whether the member is present and not null.</summary>
    public static bool Has(JsonElement parameters, string name) => TryGet(parameters, name, out _);

    public static bool TryGetElement(JsonElement parameters, string name, out JsonElement value) => TryGet(parameters, name, out value);

    private static bool TryGet(JsonElement parameters, string name, out JsonElement value)
    {
        value = default;
        return parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }
}
