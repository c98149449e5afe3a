using MoodDJ.Plugins.Shared.Audio;
using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Plugins.LocalLibrary;

/// <summary>
/// Places a track on the valence/arousal plane from its measured features. A heuristic, documented in
/// docs/music.md: arousal follows tempo, loudness, busyness and onset rate; valence follows brightness
/// and tempo (faster and brighter reads happier). Users correct it with the sidecar file.
/// </summary>
public static class MoodMapper
{
    public static (double Valence, double Arousal) Place(AudioFeatures f)
    {
        var tempo = f.TempoBpm > 0 ? Normalize(f.TempoBpm, 60, 180) : 0.3;
        var loud = Normalize(f.LoudnessDb, -40, -8);
        var bright = Normalize(f.BrightnessHz, 400, 4000);
        var onsets = Normalize(f.OnsetsPerSecond, 0.5, 8);
        var arousal = 0.35 * tempo + 0.3 * loud + 0.15 * f.Energy + 0.2 * onsets;
        var valence = 0.55 * bright + 0.3 * tempo + 0.15 * loud;
        return (Math.Clamp(2 * valence - 1, -1, 1) * 0.8, Math.Clamp(2 * arousal - 1, -1, 1));
    }

    /// <summary>Where a mood label sits when a user names it without numbers (sidecar overrides).</summary>
    public static (double Valence, double Arousal) PointOf(MoodLabel label) => label switch
    {
        MoodLabel.Happy => (0.8, 0.5),
        MoodLabel.Energetic => (0.5, 0.9),
        MoodLabel.Calm => (0.4, -0.7),
        MoodLabel.Sad => (-0.7, -0.4),
        MoodLabel.Angry => (-0.7, 0.8),
        MoodLabel.Romantic => (0.6, -0.2),
        MoodLabel.Focused => (0.1, -0.3),
        _ => (0, 0),
    };

    private static double Normalize(double value, double low, double high) => Math.Clamp((value - low) / (high - low), 0, 1);
}
