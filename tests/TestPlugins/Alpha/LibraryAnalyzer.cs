using MoodDJ.Abstractions.Mood;
using MoodDJ.TestLib;

namespace MoodDJ.TestPlugins;

/// <summary>Returns a fixed label; its evidence names the private library build it was loaded with.</summary>
public sealed class LibraryAnalyzer(MoodLabel label) : IMoodAnalyzer
{
    public ValueTask<MoodReading> AnalyzeAsync(string text, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new MoodReading(label, 0.5, 0.5, 1, [new MoodEvidence($"{LibInfo.Name}@{LibInfo.AssemblyVersion}", 0, 0)]));
}
