using Microsoft.Extensions.Configuration;
using MoodDJ.Abstractions.Mood;

namespace MoodDJ.PluginTemplate;

/// <summary>
/// A starting point: finds the first configured keyword in the text and answers with its mood.
/// Replace the body of AnalyzeAsync with your own model.
/// </summary>
public sealed class KeywordMoodAnalyzer(IReadOnlyDictionary<string, MoodLabel> keywords) : IMoodAnalyzer
{
    /// <summary>Where each mood sits on the valence/arousal plane, used for the reading's coordinates.</summary>
    private static readonly Dictionary<MoodLabel, (double Valence, double Arousal)> Centres = new()
    {
        [MoodLabel.Happy] = (0.7, 0.3), [MoodLabel.Energetic] = (0.5, 0.8), [MoodLabel.Calm] = (0.4, -0.6),
        [MoodLabel.Sad] = (-0.7, -0.4), [MoodLabel.Angry] = (-0.7, 0.7), [MoodLabel.Romantic] = (0.7, 0.0),
        [MoodLabel.Focused] = (0.2, 0.1), [MoodLabel.Neutral] = (0.0, 0.0),
    };

    /// <summary>The keywords used when the settings name none.</summary>
    public static IReadOnlyDictionary<string, MoodLabel> DefaultKeywords { get; } = new Dictionary<string, MoodLabel>(StringComparer.OrdinalIgnoreCase)
    {
        ["sunshine"] = MoodLabel.Happy,
        ["rain"] = MoodLabel.Sad,
    };

    public ValueTask<MoodReading> AnalyzeAsync(string text, CancellationToken cancellationToken = default)
    {
        foreach (var (keyword, mood) in keywords)
        {
            if (text.Contains(keyword, StringComparison.OrdinalIgnoreCase))
            {
                var (valence, arousal) = Centres[mood];
                return ValueTask.FromResult(new MoodReading(mood, valence, arousal, 0.9, [new MoodEvidence(keyword, valence, arousal, "keyword")]));
            }
        }
        return ValueTask.FromResult(MoodReading.Neutral);
    }

    /// <summary>Reads "keyword": "mood" pairs; an unknown mood name is an error that names it.</summary>
    public static IReadOnlyDictionary<string, MoodLabel> ReadKeywords(IConfigurationSection section)
    {
        var pairs = section.GetChildren().ToList();
        if (pairs.Count == 0) return DefaultKeywords;
        var keywords = new Dictionary<string, MoodLabel>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in pairs)
        {
            if (!Enum.TryParse<MoodLabel>(pair.Value, ignoreCase: true, out var mood))
                throw new InvalidOperationException($"plugins:settings:plugintemplateid:keywords:{pair.Key} is '{pair.Value}', which is not a mood ({string.Join(", ", Enum.GetNames<MoodLabel>())}).");
            keywords[pair.Key] = mood;
        }
        return keywords;
    }
}
