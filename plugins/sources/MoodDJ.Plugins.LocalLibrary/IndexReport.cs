namespace MoodDJ.Plugins.LocalLibrary;

/// <summary>What one indexing pass did.</summary>
/// <param name="Analyzed">Files analysed in this pass (new or changed).</param>
/// <param name="Skipped">Files found unplayable in this pass, with the reason.</param>
/// <param name="Unchanged">Files the index already knew with the same size and mtime.</param>
/// <param name="Removed">Entries dropped because their file is gone.</param>
public sealed record IndexReport(IReadOnlyList<string> Analyzed, IReadOnlyDictionary<string, string> Skipped,
    int Unchanged, IReadOnlyList<string> Removed, TimeSpan Elapsed)
{
    public override string ToString()
        => $"{Analyzed.Count} analysed, {Skipped.Count} skipped, {Unchanged} unchanged, {Removed.Count} removed in {Elapsed.TotalSeconds:0.0} s";
}
