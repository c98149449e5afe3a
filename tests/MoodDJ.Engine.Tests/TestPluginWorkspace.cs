using MoodDJ.Hosting.Plugins;
using MoodDJ.Hosting.Configuration;
using MoodDJ.Hosting;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

namespace MoodDJ.Engine.Tests;

/// <summary>
/// A temporary folder with a plugin folder inside, filled with copies of the real test plugins built
/// into artifacts/testplugins/, and a mooddj.json pointing at it. Deleted on dispose.
/// </summary>
internal sealed class TestPluginWorkspace : IDisposable
{
    public static string BuildsFolder { get; } = typeof(TestPluginWorkspace).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TestPluginsFolder").Value!;

    public TestPluginWorkspace()
    {
        Root = Path.Combine(Path.GetTempPath(), "mooddj-engine-tests", Guid.NewGuid().ToString("N"));
        PluginsFolder = Path.Combine(Root, "plugins");
        Directory.CreateDirectory(PluginsFolder);
    }

    public string Root { get; }
    public string PluginsFolder { get; }

    /// <summary>Copies the build output of tests/TestPlugins/<paramref name="project"/> into the plugin folder.</summary>
    public string Add(string project, string? folderName = null)
    {
        var source = Path.Combine(BuildsFolder, project);
        Assert.True(Directory.Exists(source), $"Test plugin {project} was not built to {source}.");
        var target = Path.Combine(PluginsFolder, folderName ?? project.ToLowerInvariant());
        CopyFolder(source, target);
        return target;
    }

    public static void CopyFolder(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        foreach (var folder in Directory.GetDirectories(source))
            CopyFolder(folder, Path.Combine(target, Path.GetFileName(folder)));
    }

    /// <summary>Rewrites one plugin's manifest through <paramref name="edit"/>.</summary>
    public void EditManifest(string folder, Action<JsonObject> edit)
    {
        var path = Path.Combine(folder, "plugin.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>
    /// Writes mooddj.json selecting only a mood analyzer (every other kind left empty, since the test
    /// plugin folder holds only test analyzers) plus any <paramref name="extra"/> top-level sections.
    /// </summary>
    public string WriteConfig(string? moodAnalyzer, JsonObject? plugins = null, JsonObject? extra = null)
    {
        plugins = plugins?.DeepClone().AsObject() ?? new JsonObject();
        plugins["folder"] ??= PluginsFolder;
        var root = new JsonObject
        {
            ["plugins"] = plugins,
            ["use"] = new JsonObject
            {
                ["moodAnalyzer"] = moodAnalyzer ?? "",
                ["musicSources"] = "",
                ["codec"] = "",
                ["crypto"] = "",
                ["controlTransport"] = "",
                ["streamTransport"] = "",
                ["audioOutput"] = "",
            },
        };
        foreach (var (key, value) in extra ?? [])
            root[key] = value?.DeepClone();
        var path = Path.Combine(Root, "mooddj.json");
        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    public IConfigurationRoot Config(string? moodAnalyzer, JsonObject? plugins = null, params string[] commandLine) =>
        MoodDJConfiguration.Build(WriteConfig(moodAnalyzer, plugins), commandLine);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
