namespace MoodDJ.Abstractions.Mood;

/// <summary>Reads a mood from what a person typed. Kind: "mood-analyzer".</summary>
public interface IMoodAnalyzer
{
    /// <summary>
    /// Analyzes <paramref name="text"/>. Never throws for odd input (empty, huge, binary): returns
    /// <see cref="MoodReading.Neutral"/> or a low-confidence reading instead.
    /// </summary>
    ValueTask<MoodReading> AnalyzeAsync(string text, CancellationToken cancellationToken = default);
}
