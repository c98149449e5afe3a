namespace MoodDJ.Testing;

/// <summary>Where the repository is, found by walking up from the test's output folder to MoodDJ.sln.</summary>
public static class RepoPaths
{
    public static string Root { get; } = Find();

    /// <summary>A bundled plugin's build output (artifacts/plugins/&lt;id&gt;).</summary>
    public static string PluginArtifacts(string id) => Path.Combine(Root, "artifacts", "plugins", id);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MoodDJ.sln"))) return dir.FullName;
        throw new InvalidOperationException($"MoodDJ.sln not found above {AppContext.BaseDirectory}.");
    }
}
