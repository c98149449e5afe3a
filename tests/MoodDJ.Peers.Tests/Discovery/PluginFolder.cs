using System.Text.Json;
using MoodDJ.Hosting;
using MoodDJ.Hosting.Configuration;
using MoodDJ.Testing;

namespace MoodDJ.Peers.Tests.Discovery;

/// <summary>A temporary plugin folder holding copies of built plugins, and an engine started on it with only <c>use:discovery</c> set.</summary>
internal sealed class PluginFolder : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mooddj-discovery-").FullName;

    public PluginFolder(params string[] ids)
    {
        foreach (var id in ids)
        {
            var from = RepoPaths.PluginArtifacts(id);
            if (!Directory.Exists(from)) throw new InvalidOperationException($"{from} is missing: build the plugin first.");
            foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(Plugins, id, Path.GetRelativePath(from, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }
    }

    public string Plugins => Path.Combine(_root, "plugins");

    public MoodDJEngine Start(string discovery, object settings)
    {
        var json = Path.Combine(_root, $"mooddj-{Guid.NewGuid():N}.json");
        File.WriteAllText(json, JsonSerializer.Serialize(new
        {
            plugins = new { folder = Plugins, settings },
            use = new { discovery, musicSources = Array.Empty<string>(), moodAnalyzer = "", codec = "", crypto = "", controlTransport = "", streamTransport = "", audioOutput = "" },
        }));
        return MoodDJEngine.Start(MoodDJConfiguration.Build(json));
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
