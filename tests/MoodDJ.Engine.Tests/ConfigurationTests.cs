using MoodDJ.Hosting.Plugins;
using MoodDJ.Hosting;
using MoodDJ.Hosting.Configuration;

namespace MoodDJ.Engine.Tests;

public sealed class ConfigurationTests
{
    [Fact]
    public void Built_in_defaults_apply_when_there_is_no_file()
    {
        var configuration = MoodDJConfiguration.Build(jsonPath: null, commandLine: []);

        Assert.Equal("lexicon", configuration["use:moodAnalyzer"]);
        Assert.Equal("generator", configuration["use:musicSources:0"]);
        Assert.Equal("opus", configuration["use:codec"]);
        Assert.Equal("aead", configuration["use:crypto"]);
        Assert.Equal("tcp", configuration["use:controlTransport"]);
        Assert.Equal("udp", configuration["use:streamTransport"]);
        Assert.Equal("wav", configuration["use:audioOutput"]);
        Assert.Equal("5678", configuration["station:controlPort"]);
        Assert.Equal("5680", configuration["station:streamPort"]);
        var plugins = PluginsOptions.Read(configuration);
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "plugins"), plugins.Folder);
        Assert.False(plugins.HotReload);
    }

    [Fact]
    public void The_file_overrides_defaults_and_the_command_line_overrides_the_file()
    {
        using var workspace = new TestPluginWorkspace();
        var path = Path.Combine(workspace.Root, "mooddj.json");
        File.WriteAllText(path, """
            {
              // comments are allowed, as in appsettings.json
              "use": { "codec": "opus", "crypto": "fernet" },
              "station": { "controlPort": 7000 },
            }
            """);

        var configuration = MoodDJConfiguration.Build(path, ["--use:crypto=none", "--station:streamPort", "7002"]);

        Assert.Equal("opus", configuration["use:codec"]);
        Assert.Equal("none", configuration["use:crypto"]);
        Assert.Equal("7000", configuration["station:controlPort"]);
        Assert.Equal("7002", configuration["station:streamPort"]);
        Assert.Equal("lexicon", configuration["use:moodAnalyzer"]);
    }

    [Fact]
    public void Environment_variables_override_the_file_and_lose_to_the_command_line()
    {
        using var workspace = new TestPluginWorkspace();
        var path = Path.Combine(workspace.Root, "mooddj.json");
        File.WriteAllText(path, """{ "station": { "heartbeatPort": 6000, "bind": "0.0.0.0" } }""");
        Environment.SetEnvironmentVariable("MOODDJ__station__heartbeatPort", "6001");
        Environment.SetEnvironmentVariable("MOODDJ__station__bind", "127.0.0.2");
        try
        {
            var configuration = MoodDJConfiguration.Build(path, ["--station:bind=127.0.0.3"]);

            Assert.Equal("6001", configuration["station:heartbeatPort"]);
            Assert.Equal("127.0.0.3", configuration["station:bind"]);
            Assert.Equal("environment variable MOODDJ__station__heartbeatPort", ConfigurationSourceName.Of(configuration, "station:heartbeatPort"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("MOODDJ__station__heartbeatPort", null);
            Environment.SetEnvironmentVariable("MOODDJ__station__bind", null);
        }
    }

    [Fact]
    public void Malformed_json_is_reported_with_the_file_and_line()
    {
        using var workspace = new TestPluginWorkspace();
        var path = Path.Combine(workspace.Root, "mooddj.json");
        File.WriteAllText(path, "{\n  \"use\": {\n    \"codec\": \"pcm\"\n    \"crypto\": \"aead\"\n  }\n}\n");

        var error = Assert.Throws<ConfigurationException>(() => MoodDJConfiguration.Build(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("line 4", error.Message);
        Assert.Contains("Fix", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public void A_top_level_array_is_rejected()
    {
        using var workspace = new TestPluginWorkspace();
        var path = Path.Combine(workspace.Root, "mooddj.json");
        File.WriteAllText(path, "[1, 2]");

        var error = Assert.Throws<ConfigurationException>(() => MoodDJConfiguration.Build(path));

        Assert.Contains("must be a JSON object", error.Message);
    }

    [Fact]
    public void A_config_file_that_does_not_exist_is_reported()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "mooddj.json");

        var error = Assert.Throws<ConfigurationException>(() => MoodDJConfiguration.Build(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void A_value_of_the_wrong_type_names_the_key_the_value_and_the_file()
    {
        using var workspace = new TestPluginWorkspace();
        var path = workspace.WriteConfig("alpha", new System.Text.Json.Nodes.JsonObject { ["hotReload"] = "sometimes" });

        var error = Assert.Throws<ConfigurationException>(() => MoodDJEngine.Start(MoodDJConfiguration.Build(path)));

        Assert.Contains("plugins:hotReload", error.Message);
        Assert.Contains("'sometimes'", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void An_object_where_a_name_belongs_is_rejected()
    {
        var configuration = MoodDJConfiguration.Build(null, ["--use:codec:name=pcm"]);

        var error = Assert.Throws<ConfigurationException>(() => UseOptions.Read(configuration));

        Assert.Contains("use:codec must be a string", error.Message);
    }

    [Fact]
    public void Music_sources_can_be_a_comma_separated_list()
    {
        var configuration = MoodDJConfiguration.Build(null, ["--use:musicSources=local, youtube"]);

        Assert.Equal(["local", "youtube"], UseOptions.Read(configuration).MusicSources);
    }

    [Fact]
    public void A_relative_plugin_folder_is_resolved_against_the_host_folder_and_an_absolute_one_is_kept()
    {
        var relative = PluginsOptions.Read(MoodDJConfiguration.Build(null, ["--plugins:folder=more/plugins"]));
        var absolute = PluginsOptions.Read(MoodDJConfiguration.Build(null, ["--plugins:folder=/opt/mooddj/plugins"]));

        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "more", "plugins"), relative.Folder);
        Assert.Equal("/opt/mooddj/plugins", absolute.Folder);
    }

    [Fact]
    public void An_empty_array_in_the_file_clears_a_default_list_and_items_in_a_later_layer_replace_it()
    {
        using var workspace = new TestPluginWorkspace();
        var path = Path.Combine(workspace.Root, "mooddj.json");
        File.WriteAllText(path, """{ "use": { "musicSources": [] }, "plugins": { "disabled": ["llm"] } }""");

        var cleared = MoodDJConfiguration.Build(path);
        var replaced = MoodDJConfiguration.Build(path, ["--use:musicSources:0=local"]);

        Assert.Empty(UseOptions.Read(cleared).MusicSources);
        Assert.Equal(["llm"], PluginsOptions.Read(cleared).Disabled);
        Assert.Equal(["local"], UseOptions.Read(replaced).MusicSources);
    }

    [Fact]
    public void A_misspelled_key_in_use_is_rejected_with_the_known_keys()
    {
        using var workspace = new TestPluginWorkspace();
        var path = Path.Combine(workspace.Root, "mooddj.json");
        File.WriteAllText(path, """{ "use": { "moodAnalyser": "llm" } }""");
        var configuration = MoodDJConfiguration.Build(path);

        var error = Assert.Throws<ConfigurationException>(() => MoodDJEngine.Start(configuration));

        Assert.Contains("use:moodAnalyser", error.Message);
        Assert.Contains(path, error.Message);
        Assert.Contains("moodAnalyzer", error.Message);
    }

    [Fact]
    public void The_json_schema_describes_exactly_the_keys_the_engine_reads()
    {
        var schema = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(RepoFile("docs", "mooddj.schema.json")))!;
        var properties = schema["properties"]!;

        Assert.Equal(UseOptions.Keys.Order(), properties["use"]!["properties"]!.AsObject().Select(p => p.Key).Order());
        Assert.Equal(PluginsOptions.Keys.Order(), properties["plugins"]!["properties"]!.AsObject().Select(p => p.Key).Order());
        var defaults = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(RepoFile("engine", "MoodDJ.Hosting", "Configuration", "mooddj.defaults.json")))!;
        Assert.Equal("../../../docs/mooddj.schema.json", (string?)defaults["$schema"]);
        Assert.All(defaults.AsObject(), p => Assert.NotNull(properties[p.Key]));
    }

    private static string RepoFile(params string[] parts)
    {
        // The test plugins are built to <repo>/artifacts/testplugins/.
        var root = Path.GetFullPath(Path.Combine(TestPluginWorkspace.BuildsFolder, "..", ".."));
        return Path.Combine([root, .. parts]);
    }
}
