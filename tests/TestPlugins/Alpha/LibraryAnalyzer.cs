using MoodDJ.Abstractions.Mood;
using MoodDJ.TestLib;

namespace MoodDJ.TestPlugins;

/// <summary>Returns a fixed label; its evidence names the private library build it was loaded with. Disposable so tests can see who disposes it.</summary>
public sealed class LibraryAnalyzer(MoodLabel label) : IMoodAnalyzer, IDisposable
{
    public bool IsDisposed { get; private set; }

    public void Dispose() => IsDisposed = true;

    public ValueTask<MoodReading> AnalyzeAsync(string text, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new MoodReading(label, 0.5, 0.5, 1, [new MoodEvidence($"{LibInfo.Name}@{LibInfo.AssemblyVersion}", 0, 0)]));
}
