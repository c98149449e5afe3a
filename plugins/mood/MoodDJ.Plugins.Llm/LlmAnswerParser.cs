using System.Text.Json;
using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Plugins.Llm;

/// <summary>
/// Turns a chat-completions response body into a <see cref="MoodReading"/>, or says exactly why it
/// cannot: a model's answer is untrusted input (wrong shape, prose around the JSON, labels we do not
/// have, numbers out of range).
/// </summary>
internal static class LlmAnswerParser
{
    public static bool TryParseResponse(string body, out MoodReading reading, out string problem)
    {
        reading = MoodReading.Neutral;
        string? content;
        try
        {
            using var doc = JsonDocument.Parse(body);
            content = doc.RootElement.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0
                && choices[0].TryGetProperty("message", out var message) && message.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String
                ? c.GetString()
                : null;
        }
        catch (JsonException ex)
        {
            problem = $"response is not JSON ({ex.Message})";
            return false;
        }
        if (content is null)
        {
            problem = "response has no choices[0].message.content";
            return false;
        }
        return TryParseAnswer(content, out reading, out problem);
    }

    /// <summary>Parses the model's content: a JSON object, possibly inside a ```json fence or surrounded by prose.</summary>
    public static bool TryParseAnswer(string content, out MoodReading reading, out string problem)
    {
        reading = MoodReading.Neutral;
        var start = content.IndexOf('{');
        var end = content.LastIndexOf('}');
        if (start < 0 || end <= start)
        {
            problem = "answer holds no JSON object";
            return false;
        }
        try
        {
            using var doc = JsonDocument.Parse(content.AsMemory(start, end - start + 1));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = "answer is not a JSON object";
                return false;
            }
            var labelText = String(root, "label") ?? String(root, "mood");
            if (labelText is null || !TryLabel(labelText, out var label))
            {
                problem = $"label '{labelText}' is not one of {string.Join(", ", Enum.GetNames<MoodLabel>()).ToLowerInvariant()}";
                return false;
            }
            if (!TryUnit(root, "valence", -1, out var valence, out problem) || !TryUnit(root, "arousal", -1, out var arousal, out problem))
                return false;
            var confidence = 0.7;
            if (root.TryGetProperty("confidence", out _) && !TryUnit(root, "confidence", 0, out confidence, out problem))
                return false;
            reading = new MoodReading(label, valence, arousal, confidence, Evidence(root));
            problem = "";
            return true;
        }
        catch (JsonException ex)
        {
            problem = $"answer is not valid JSON ({ex.Message})";
            return false;
        }
    }

    private static bool TryLabel(string text, out MoodLabel label)
    {
        foreach (var candidate in Enum.GetValues<MoodLabel>())
        {
            if (string.Equals(candidate.ToString(), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                label = candidate;
                return true;
            }
        }
        label = MoodLabel.Neutral;
        return false;
    }

    /// <summary>A number in min..1; a hair outside (rounding) is clamped, anything further is refused.</summary>
    private static bool TryUnit(JsonElement root, string name, double min, out double value, out string problem)
    {
        value = 0;
        if (!root.TryGetProperty(name, out var element))
        {
            problem = $"{name} is missing";
            return false;
        }
        var ok = element.ValueKind == JsonValueKind.Number ? element.TryGetDouble(out value)
            : element.ValueKind == JsonValueKind.String && double.TryParse(element.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value);
        if (!ok || !double.IsFinite(value) || value < min - 0.05 || value > 1.05)
        {
            problem = $"{name} must be a number in {min}..1, got {element.GetRawText()}";
            return false;
        }
        value = Math.Clamp(value, min, 1);
        problem = "";
        return true;
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    private static List<MoodEvidence> Evidence(JsonElement root)
    {
        var list = new List<MoodEvidence>();
        if (!root.TryGetProperty("evidence", out var evidence) || evidence.ValueKind != JsonValueKind.Array)
            return list;
        foreach (var item in evidence.EnumerateArray().Take(32))
        {
            if (item.ValueKind == JsonValueKind.String)
                list.Add(new MoodEvidence(Cut(item.GetString()!), 0, 0, "llm"));
            else if (item.ValueKind == JsonValueKind.Object && String(item, "text") is { } text)
                list.Add(new MoodEvidence(Cut(text), Number(item, "valence"), Number(item, "arousal"), "llm" + (String(item, "note") is { Length: > 0 } n ? ": " + Cut(n) : "")));
        }
        return list;
    }

    private static double Number(JsonElement item, string name) =>
        item.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var v) && double.IsFinite(v) ? Math.Clamp(v, -1, 1) : 0;

    private static string Cut(string s) => s.Length <= 200 ? s : s[..200];
}
