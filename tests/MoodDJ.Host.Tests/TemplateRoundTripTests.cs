using MoodDJ.Host.Tests.Support;
using Xunit.Abstractions;

namespace MoodDJ.Host.Tests;

/// <summary>
/// What a plugin author does, end to end: scaffold from the template, change the analyzer, build,
/// drop the output into a plugin folder, name it in mooddj.json, and see the host use it.
/// </summary>
public class TemplateRoundTripTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_plugin_scaffolded_from_the_template_is_loaded_and_used_by_the_host()
    {
        using var temp = new TempFolder();
        var hive = temp.File("template-hive"); // keeps the user's own dotnet new templates untouched
        var templateFolder = Path.Combine(MooddjProcess.RepoRoot, "plugin-template");

        await Run("dotnet", temp.Path, "new", "install", templateFolder, "--debug:custom-hive", hive);
        await Run("dotnet", temp.Path, "new", "mooddj-plugin", "-n", "Grumpy", "-o", "Grumpy",
            "--mooddj-home", MooddjProcess.HostFolder, "--debug:custom-hive", hive);

        // The scaffolded project's own tests build and pass as generated.
        await Run("dotnet", Path.Combine(temp.Path, "Grumpy"), "test", "Grumpy.Tests", "-nologo", "-v:q");

        // The author's change: the analyzer now hears "monday" as focused music time.
        var analyzer = Path.Combine(temp.Path, "Grumpy", "Grumpy", "KeywordMoodAnalyzer.cs");
        var source = await File.ReadAllTextAsync(analyzer);
        Assert.Contains("[\"rain\"] = MoodLabel.Sad", source);
        await File.WriteAllTextAsync(analyzer, source.Replace("[\"rain\"] = MoodLabel.Sad", "[\"monday\"] = MoodLabel.Focused"));

        // Build into a fresh plugin folder that also holds the bundled plugins.
        var plugins = temp.File("plugins");
        CopyFolder(Path.Combine(MooddjProcess.HostFolder, "plugins"), plugins);
        await Run("dotnet", Path.Combine(temp.Path, "Grumpy"), "build", "Grumpy", "-c", "Release", "-nologo", "-v:q", $"-p:MoodDJPluginsFolder={plugins}");
        Assert.True(File.Exists(Path.Combine(plugins, "grumpy", "Grumpy.dll")));
        Assert.True(File.Exists(Path.Combine(plugins, "grumpy", "plugin.json")));
        Assert.False(File.Exists(Path.Combine(plugins, "grumpy", "MoodDJ.Abstractions.dll")), "the plugin must not ship its own copy of the contracts");

        File.WriteAllText(temp.File("mooddj.json"), $$"""
            {
              "plugins": { "folder": "{{plugins}}" },
              "use": { "moodAnalyzer": "grumpy" }
            }
            """);
        var listed = await MooddjProcess.RunAsync(temp.Path, "plugins", "list");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Contains(listed.StdOut.Split('\n'), l => l.Contains(" grumpy ") && l.Contains("active"));

        var analyzed = await MooddjProcess.RunAsync(temp.Path, "analyze", "Another Monday morning", "--json");
        Assert.True(analyzed.ExitCode == 0, analyzed.ToString());
        Assert.Contains("\"mood\":\"focused\"", analyzed.StdOut);
        Assert.Contains("\"text\":\"monday\"", analyzed.StdOut);
    }

    private async Task Run(string program, string workingDirectory, params string[] args)
    {
        var result = await MooddjProcess.RunProgramAsync(program, workingDirectory, args, timeout: TimeSpan.FromMinutes(4));
        output.WriteLine($"$ {program} {string.Join(' ', args)}\n{result}");
        Assert.True(result.ExitCode == 0, $"{program} {string.Join(' ', args)} failed:\n{result}");
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
