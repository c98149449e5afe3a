using System.Globalization;
using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Plugins.Generator;

/// <summary>
/// Everything needed to synthesize a track again, written into its id:
/// <c>gen1_{seed}_{mood}_{valence}_{arousal}_{duration ms}</c>, e.g. <c>gen1_7_happy_0.80_0.50_180000</c>.
/// </summary>
internal readonly record struct GeneratedTrackId(ulong Seed, MoodLabel Mood, double Valence, double Arousal, TimeSpan Duration)
{
    private const string Prefix = "gen1";

    public static GeneratedTrackId Create(ulong seed, MoodLabel mood, double valence, double arousal, TimeSpan duration)
        // Rounded to two decimals so the id round-trips exactly through its text.
        => new(seed, mood, Math.Round(Math.Clamp(valence, -1, 1), 2), Math.Round(Math.Clamp(arousal, -1, 1), 2),
               TimeSpan.FromMilliseconds(Math.Round(duration.TotalMilliseconds)));

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Prefix}_{Seed}_{Mood.ToString().ToLowerInvariant()}_{Valence:0.00}_{Arousal:0.00}_{(long)Duration.TotalMilliseconds}");

    public static bool TryParse(string? text, out GeneratedTrackId id)
    {
        id = default;
        var parts = text?.Split('_');
        if (parts is not { Length: 6 } || parts[0] != Prefix) return false;
        var inv = CultureInfo.InvariantCulture;
        if (!ulong.TryParse(parts[1], NumberStyles.None, inv, out var seed)) return false;
        if (!Enum.TryParse<MoodLabel>(parts[2], ignoreCase: true, out var mood) || !Enum.IsDefined(mood) || char.IsDigit(parts[2][0])) return false;
        if (!double.TryParse(parts[3], NumberStyles.Float, inv, out var valence) || valence is < -1 or > 1) return false;
        if (!double.TryParse(parts[4], NumberStyles.Float, inv, out var arousal) || arousal is < -1 or > 1) return false;
        if (!long.TryParse(parts[5], NumberStyles.None, inv, out var ms) || ms is <= 0 or > GeneratorOptions.MaxDurationMs) return false;
        id = Create(seed, mood, valence, arousal, TimeSpan.FromMilliseconds(ms));
        return true;
    }
}
