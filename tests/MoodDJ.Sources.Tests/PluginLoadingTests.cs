using System.Text.Json;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;
using MoodDJ.Hosting;
using MoodDJ.Hosting.Configuration;

namespace MoodDJ.Sources.Tests;

/// <summary>The built plugins, loaded by the engine in their own load contexts (private SQLite and its native library included).</summary>
public class PluginLoadingTests
{
    [Fact(Timeout = 90000)]
    public async Task The_local_and_youtube_plugins_load_through_the_engine_and_play()
    {
        using var work = new TempFolder();
        var plugins = Directory.CreateDirectory(work.File("plugins")).FullName;
        foreach (var id in new[] { "local", "youtube" })
            CopyFolder(Path.Combine(RepoRoot(), "artifacts", "plugins", id), Path.Combine(plugins, id));
        var music = Directory.CreateDirectory(work.File("music")).FullName;
        TestAudio.Sine(Path.Combine(music, "a.flac"), 440, 2);
        var json = work.File("mooddj.json");
        File.WriteAllText(json, JsonSerializer.Serialize(new
        {
            plugins = new { folder = plugins, settings = new { local = new { folder = music, excerptSeconds = 3 }, youtube = new { maxResults = 3 } } },
            use = new { musicSources = new[] { "local", "youtube" }, moodAnalyzer = "", codec = "", crypto = "", controlTransport = "", streamTransport = "", audioOutput = "" },
        }));

        await using var engine = MoodDJEngine.Start(MoodDJConfiguration.Build(json));
        var sources = engine.MusicSources;
        Assert.Equal(["LocalMusicSource", "YouTubeMusicSource"], sources.Select(s => s.GetType().Name));
        var tracks = new List<TrackInfo>();
        await foreach (var t in sources[0].FindTracksAsync(MoodReading.Neutral, 5)) tracks.Add(t);
        var track = Assert.Single(tracks);
        await using var pcm = await sources[0].OpenAsync(track, AudioFormat.SeedMono);
        var samples = await TestAudio.ReadAsync(pcm, 44100);
        Assert.True(TestAudio.Rms(samples) > 0.3);
        Assert.True(File.Exists(Path.Combine(music, ".mooddj-index.db")));
    }

    [Fact(Timeout = 60000)]
    public async Task Selecting_local_without_a_folder_names_the_missing_setting()
    {
        using var work = new TempFolder();
        var plugins = Directory.CreateDirectory(work.File("plugins")).FullName;
        CopyFolder(Path.Combine(RepoRoot(), "artifacts", "plugins", "local"), Path.Combine(plugins, "local"));
        var json = work.File("mooddj.json");
        File.WriteAllText(json, JsonSerializer.Serialize(new
        {
            plugins = new { folder = plugins },
            use = new { musicSources = new[] { "local" }, moodAnalyzer = "", codec = "", crypto = "", controlTransport = "", streamTransport = "", audioOutput = "" },
        }));
        await using var engine = MoodDJEngine.Start(MoodDJConfiguration.Build(json));
        var e = Assert.ThrowsAny<Exception>(() => engine.MusicSources);
        Assert.Contains("plugins:settings:local:folder is required", e.ToString());
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MoodDJ.sln"))) return dir.FullName;
        throw new InvalidOperationException("MoodDJ.sln not found above " + AppContext.BaseDirectory);
    }

    private static void CopyFolder(string from, string to)
    {
        if (!Directory.Exists(from)) throw new InvalidOperationException($"{from} is missing: build the plugin first.");
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
