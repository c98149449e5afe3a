namespace MoodDJ.Web.Tests;

/// <summary>Where the tests leave what a person looks at: TestResults/ at the repository root.</summary>
internal static class Artifacts
{
    public static string Folder(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MoodDJ.sln"))) dir = dir.Parent;
        var path = Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "TestResults", name);
        Directory.CreateDirectory(path);
        return path;
    }
}
