namespace MoodDJ.Abstractions.Mood;

/// <summary>The moods MoodDJ plays music for.</summary>
public enum MoodLabel
{
    Neutral,
    Happy,
    Energetic,
    Calm,
    Sad,
    Angry,
    Romantic,
    Focused,
}
