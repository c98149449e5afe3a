using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MoodDJ.Abstractions.Music;
using MoodDJ.Abstractions.Plugins;
using MoodDJ.Abstractions.Settings;
using MoodDJ.Plugins.Generator;
using MoodDJ.Plugins.LocalLibrary;
using MoodDJ.Plugins.YouTube;
using MoodDJ.Testing;

namespace MoodDJ.Sources.Tests;

/// <summary>The source plugins' settings bind through the options pattern: checked at start, every error naming the full key.</summary>
public class SourceSettingsTests
{
    private static ServiceProvider Compose(IMoodDJPlugin plugin, string id, Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.ToDictionary(kv => $"plugins:settings:{id}:{kv.Key}", kv => kv.Value)).Build();
        return PluginProbe.Compose(plugin, new PluginContext(id, AppContext.BaseDirectory, configuration.GetSection($"plugins:settings:{id}")));
    }

    [Theory]
    [InlineData("local", "excerptSecond", "excerptSeconds")]
    [InlineData("youtube", "maxResult", "maxResults")]
    [InlineData("generator", "seeed", "seed")]
    public void An_unknown_key_is_named_in_full_with_a_guess(string id, string typo, string meant)
    {
        using var folder = new TempFolder();
        IMoodDJPlugin plugin = id switch { "local" => new LocalLibraryPlugin(), "youtube" => new YouTubePlugin(), _ => new GeneratorPlugin() };
        var settings = new Dictionary<string, string?> { [typo] = "3" };
        if (id == "local") settings["folder"] = folder.Path;
        var e = Assert.Throws<SettingsException>(() => Compose(plugin, id, settings));
        Assert.Equal($"plugins:settings:{id}:{typo}", e.Key);
        Assert.Contains($"plugins:settings:{id}:{typo} is not a known key. Did you mean '{meant}'?", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_number_out_of_range_or_not_a_number_names_the_key_and_what_it_takes()
    {
        using var folder = new TempFolder();
        var e = Assert.Throws<SettingsException>(() => Compose(new LocalLibraryPlugin(), "local", new() { ["folder"] = folder.Path, ["indexParallelism"] = "0" }));
        Assert.Equal("plugins:settings:local:indexParallelism must be 1..64, not 0.", e.Message);
        e = Assert.Throws<SettingsException>(() => Compose(new LocalLibraryPlugin(), "local", new() { ["folder"] = folder.Path, ["excerptSeconds"] = "2,5" }));
        Assert.Contains("plugins:settings:local:excerptSeconds must be a number", e.Message);
        e = Assert.Throws<SettingsException>(() => Compose(new YouTubePlugin(), "youtube", new() { ["reachTimeoutMs"] = "50" }));
        Assert.Equal("plugins:settings:youtube:reachTimeoutMs must be 100..60000, not 50.", e.Message);
        e = Assert.Throws<SettingsException>(() => Compose(new YouTubePlugin(), "youtube", new() { ["maxResults"] = "many" }));
        Assert.Equal("plugins:settings:youtube:maxResults must be a whole number, not 'many'.", e.Message);
        e = Assert.Throws<SettingsException>(() => Compose(new YouTubePlugin(), "youtube", new() { ["queryTemplates:grumpy"] = "x" }));
        Assert.StartsWith("plugins:settings:youtube:queryTemplates:grumpy is not a mood", e.Message);
        e = Assert.Throws<SettingsException>(() => Compose(new YouTubePlugin(), "youtube", new() { ["queryTemplates:3"] = "x" }));
        Assert.StartsWith("plugins:settings:youtube:queryTemplates:3 is not a mood", e.Message);
        e = Assert.Throws<SettingsException>(() => Compose(new GeneratorPlugin(), "generator", new() { ["durationSeconds"] = "7200" }));
        Assert.Equal("plugins:settings:generator:durationSeconds must be 1..3600, not 7200.", e.Message);
    }

    [Fact]
    public void Settings_bind_onto_the_options_keeping_the_defaults_not_given()
    {
        using var folder = new TempFolder();
        using var local = Compose(new LocalLibraryPlugin(), "local", new()
        {
            ["folder"] = folder.Path, ["excerptSeconds"] = "12.5", ["extensions:0"] = ".flac", ["extensions:1"] = "ogg",
        });
        var l = local.GetRequiredService<IOptions<LocalLibraryOptions>>().Value;
        Assert.Equal(12.5, l.ExcerptSeconds);
        Assert.Equal([".flac", "ogg"], l.AudioExtensions());  // a configured list replaces the defaults
        Assert.Equal(22050, l.AnalysisSampleRate);
        Assert.Equal("mooddj-moods.json", l.SidecarFile);
        Assert.Contains(".mp3", new LocalLibraryOptions().AudioExtensions());

        using var youtube = Compose(new YouTubePlugin(), "youtube", new()
        {
            ["maxResults"] = "7", ["proxy"] = "http://127.0.0.1:1", ["queryTemplates:Happy"] = "sunny songs",
        });
        var y = youtube.GetRequiredService<IOptions<YouTubeOptions>>().Value;
        Assert.Equal(7, y.MaxResults);
        Assert.Equal("http://127.0.0.1:1", y.Proxy);
        Assert.Equal("sunny songs", y.QueryTemplates["happy"]);  // replaced case-insensitively
        Assert.Equal("sad emotional piano music", y.QueryTemplates["sad"]);  // the other moods keep their defaults
        Assert.Equal(8, y.QueryTemplates.Count);
        Assert.Equal(15, y.SocketTimeoutSeconds);
    }

    [Fact]
    public void Local_with_no_settings_is_installed_and_fails_only_when_the_source_is_made()
    {
        using var provider = Compose(new LocalLibraryPlugin(), "local", new());
        var e = Assert.Throws<SettingsException>(() => provider.GetRequiredKeyedService<IMusicSource>("local"));
        Assert.StartsWith("plugins:settings:local:folder is required", e.Message);
        using var folder = new TempFolder();
        var missing = Path.Combine(folder.Path, "nope");
        e = Assert.Throws<SettingsException>(() => Compose(new LocalLibraryPlugin(), "local", new() { ["folder"] = missing }));
        Assert.Equal($"plugins:settings:local:folder '{missing}' does not exist.", e.Message);
    }
}
