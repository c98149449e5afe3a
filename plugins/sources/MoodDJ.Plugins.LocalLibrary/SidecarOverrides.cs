using System.Text.Json;
using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Plugins.LocalLibrary;

/// <summary>A user's correction for one track: a mood label and/or explicit valence and arousal.</summary>
public sealed record MoodOverride(MoodLabel? Mood, double? Valence, double? Arousal);

/// <summary>
/// The sidecar file (<c>mooddj-moods.json</c> in the music folder): an object mapping a path relative
/// to the folder to <c>{ "mood": "calm", "valence": 0.3, "arousal": -0.5 }</c> (any of the three).
/// Bad entries are reported and ignored; they never stop indexing.
/// </summary>
public static class SidecarOverrides
{
    public static IReadOnlyDictionary<string, MoodOverride> Load(string path, Action<string> warn)
    {
        var result = new Dictionary<string, MoodOverride>(StringComparer.Ordinal);
        if (!File.Exists(path)) return result;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            warn($"{path}: ignored, not valid JSON ({e.Message})");
            return result;
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                warn($"{path}: ignored, expected an object mapping paths to overrides");
                return result;
            }
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                var key = entry.Name.Replace('\\', '/').TrimStart('.', '/');
                if (entry.Value.ValueKind != JsonValueKind.Object)
                {
                    warn($"{path}: entry '{entry.Name}' ignored, expected an object");
                    continue;
                }
                MoodLabel? mood = null;
                double? valence = null, arousal = null;
                var bad = false;
                foreach (var p in entry.Value.EnumerateObject())
                {
                    switch (p.Name.ToLowerInvariant())
                    {
                        case "mood" when p.Value.ValueKind == JsonValueKind.String && Enum.TryParse<MoodLabel>(p.Value.GetString(), true, out var m):
                            mood = m;
                            break;
                        case "valence" when p.Value.ValueKind == JsonValueKind.Number && p.Value.GetDouble() is >= -1 and <= 1:
                            valence = p.Value.GetDouble();
                            break;
                        case "arousal" when p.Value.ValueKind == JsonValueKind.Number && p.Value.GetDouble() is >= -1 and <= 1:
                            arousal = p.Value.GetDouble();
                            break;
                        default:
                            warn($"{path}: '{entry.Name}'.{p.Name} = {p.Value} ignored (mood is one of {string.Join(", ", Enum.GetNames<MoodLabel>())}; valence and arousal are numbers in -1..1)");
                            bad = true;
                            break;
                    }
                }
                if (mood is not null || valence is not null || arousal is not null || !bad)
                    result[key] = new MoodOverride(mood, valence, arousal);
            }
        }
        return result;
    }
}
