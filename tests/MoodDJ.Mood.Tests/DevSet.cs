namespace MoodDJ.Mood.Tests;

/// <summary>Finds shared/eval/mood: walk up from the test's folder to the one holding MoodDJ.sln, then ../shared/eval/mood.</summary>
internal static class DevSet
{
    public static string? Folder { get; } = Find();

    public static string GoldPath => Path.Combine(Folder ?? throw new InvalidOperationException("No dev set."), "mood_dev.tsv");

    public static string ScorerPath => Path.Combine(Folder ?? throw new InvalidOperationException("No dev set."), "score.py");

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "MoodDJ.sln")))
                continue;
            var folder = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "eval", "mood"));
            return File.Exists(Path.Combine(folder, "mood_dev.tsv")) ? folder : null;
        }
        return null;
    }
}

/// <summary>A fact that needs the shared mood dev set; skipped with a reason when it is absent.</summary>
public sealed class DevSetFactAttribute : FactAttribute
{
    public DevSetFactAttribute()
    {
        if (DevSet.Folder is null)
            Skip = "../shared/eval/mood/mood_dev.tsv not found beside the folder holding MoodDJ.sln; the dev set is not shipped with the product.";
    }
}
