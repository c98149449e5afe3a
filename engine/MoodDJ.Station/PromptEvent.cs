using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Station;

/// <summary>A prompt that set a station's mood: who sent it (the client's hello name, or "station" for a resumed mood), its text and its mood.</summary>
public sealed record PromptEvent(string Client, string Text, MoodReading Mood);
