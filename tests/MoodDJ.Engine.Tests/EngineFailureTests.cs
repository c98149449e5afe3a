using MoodDJ.Hosting.Configuration;
using MoodDJ.Hosting;
using System.Text.Json.Nodes;
using MoodDJ.Hosting.Plugins;

namespace MoodDJ.Engine.Tests;

/// <summary>
/// Each kind of broken plugin: when the configuration does not need it, it is marked and the engine
/// goes on; when it does, the engine refuses to start with a one-line message naming plugin and file.
/// </summary>
public sealed class EngineFailureTests
{
    [Fact]
    public void An_unknown_name_in_use_lists_the_installed_implementations()
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Alpha");
        workspace.Add("Beta");
        var path = workspace.WriteConfig("foo");

        var error = Assert.Throws<ConfigurationException>(() => MoodDJEngine.Start(MoodDJConfiguration.Build(path)));

        Assert.Contains("No plugin provides mood analyzer 'foo'", error.Message);
        Assert.Contains("installed: alpha, beta", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void A_missing_plugin_folder_names_the_folder_and_the_key()
    {
        using var workspace = new TestPluginWorkspace();
        var missing = Path.Combine(workspace.Root, "nowhere");

        var error = Assert.Throws<ConfigurationException>(() =>
            MoodDJEngine.Start(workspace.Config("alpha", new JsonObject { ["folder"] = missing })));

        Assert.Contains(missing, error.Message);
        Assert.Contains("plugins:folder", error.Message);
    }

    [Fact]
    public async Task A_manifest_with_malformed_json_marks_that_plugin_and_the_others_still_load()
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Alpha");
        var broken = workspace.Add("Beta");
        File.WriteAllText(Path.Combine(broken, "plugin.json"), "{ \"id\": \"beta\",\n  \"version\": }");

        await using var engine = MoodDJEngine.Start(workspace.Config("alpha"));

        var status = engine.Plugins.Single(p => p.Folder == broken);
        Assert.Equal(PluginState.Malfunctioned, status.State);
        Assert.Contains("malformed JSON at line 2", status.Reason);
        Assert.Equal(PluginState.Active, engine.Plugins.Single(p => p.Id == "alpha").State);
    }

    [Fact]
    public void A_needed_plugin_with_a_malformed_manifest_stops_the_engine_naming_the_manifest()
    {
        using var workspace = new TestPluginWorkspace();
        var broken = workspace.Add("Beta");
        File.WriteAllText(Path.Combine(broken, "plugin.json"), "{ not json");

        var error = Assert.Throws<PluginLoadException>(() => MoodDJEngine.Start(workspace.Config("beta")));

        Assert.Equal(Path.Combine(broken, "plugin.json"), error.FilePath);
        Assert.Contains("Plugin 'beta'", error.Message);
        Assert.Contains("needed for use:moodAnalyzer = 'beta'", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("version")]
    [InlineData("kinds")]
    [InlineData("entryAssembly")]
    [InlineData("contractVersions")]
    public async Task A_manifest_missing_a_field_is_marked_with_the_field_named(string field)
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Alpha");
        var broken = workspace.Add("Beta");
        workspace.EditManifest(broken, m => m.Remove(field));

        await using var engine = MoodDJEngine.Start(workspace.Config("alpha"));

        var status = engine.Plugins.Single(p => p.Folder == broken);
        Assert.Equal(PluginState.Malfunctioned, status.State);
        Assert.Contains($"field '{field}'", status.Reason);
    }

    [Theory]
    [InlineData("kinds", "[\"mood-analyser\"]", "'mood-analyser' is not a plugin kind")]
    [InlineData("contractVersions", "[\"one\"]", "is not a whole number")]
    [InlineData("entryAssembly", "\"bin/Beta.dll\"", "is not a DLL file name")]
    [InlineData("id", "\"Has Spaces\"", "is not a valid id")]
    public async Task A_manifest_field_with_a_bad_value_is_explained(string field, string json, string expected)
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Alpha");
        var broken = workspace.Add("Beta");
        workspace.EditManifest(broken, m => m[field] = JsonNode.Parse(json));

        await using var engine = MoodDJEngine.Start(workspace.Config("alpha"));

        Assert.Contains(expected, engine.Plugins.Single(p => p.Folder == broken).Reason);
    }

    [Fact]
    public async Task A_folder_without_a_manifest_is_marked()
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Alpha");
        Directory.CreateDirectory(Path.Combine(workspace.PluginsFolder, "stray"));

        await using var engine = MoodDJEngine.Start(workspace.Config("alpha"));

        var status = engine.Plugins.Single(p => p.Id == "stray");
        Assert.Equal(PluginState.Malfunctioned, status.State);
        Assert.Contains("no plugin.json", status.Reason);
    }

    [Fact]
    public async Task A_plugin_built_for_another_contract_version_is_not_supported()
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Alpha");
        var future = workspace.Add("Beta");
        workspace.EditManifest(future, m => m["contractVersions"] = new JsonArray(99));

        await using var engine = MoodDJEngine.Start(workspace.Config("alpha"));

        var status = engine.Plugins.Single(p => p.Id == "beta");
        Assert.Equal(PluginState.NotSupported, status.State);
        Assert.Contains("contract version(s) 99", status.Reason);
    }

    [Fact]
    public void A_needed_plugin_for_another_contract_version_stops_the_engine()
    {
        using var workspace = new TestPluginWorkspace();
        var future = workspace.Add("Beta");
        workspace.EditManifest(future, m => m["contractVersions"] = new JsonArray(99));

        var error = Assert.Throws<PluginLoadException>(() => MoodDJEngine.Start(workspace.Config("beta")));

        Assert.Equal("beta", error.PluginId);
        Assert.Contains("contract version(s) 99, but this MoodDJ supports 1", error.Message);
    }

    [Fact]
    public void A_needed_plugin_without_an_entry_type_stops_the_engine()
    {
        using var workspace = new TestPluginWorkspace();
        var library = Path.Combine(workspace.PluginsFolder, "library");
        TestPluginWorkspace.CopyFolder(Path.Combine(TestPluginWorkspace.BuildsFolder, "LibV1"), library);
        File.WriteAllText(Path.Combine(library, "plugin.json"), """
            { "id": "library", "version": "1.0.0", "kinds": ["mood-analyzer"],
              "entryAssembly": "MoodDJ.TestLib.dll", "contractVersions": [1] }
            """);

        var error = Assert.Throws<PluginLoadException>(() => MoodDJEngine.Start(workspace.Config("library")));

        Assert.Equal(Path.Combine(library, "MoodDJ.TestLib.dll"), error.FilePath);
        Assert.Contains("no public class implements IMoodDJPlugin", error.Message);
    }

    [Fact]
    public async Task A_manifest_naming_a_missing_entry_assembly_is_marked()
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Alpha");
        var broken = workspace.Add("Beta");
        workspace.EditManifest(broken, m => m["entryAssembly"] = "Nope.dll");

        await using var engine = MoodDJEngine.Start(workspace.Config("alpha"));

        Assert.Contains("entry assembly named in plugin.json is missing", engine.Plugins.Single(p => p.Id == "beta").Reason);
    }

    [Fact]
    public async Task A_plugin_whose_Register_throws_is_marked_malfunctioned_when_not_needed()
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Alpha");
        workspace.Add("Throwing");

        await using var engine = MoodDJEngine.Start(workspace.Config("alpha"));

        var status = engine.Plugins.Single(p => p.Id == "throwing");
        Assert.Equal(PluginState.Malfunctioned, status.State);
        Assert.Contains("setting 'apiKey' is required", status.Reason);
        Assert.Contains("plugins:settings:throwing", status.Reason);
    }

    [Fact]
    public void A_needed_plugin_whose_Register_throws_stops_the_engine()
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Alpha");
        var folder = workspace.Add("Throwing");

        var error = Assert.Throws<PluginLoadException>(() => MoodDJEngine.Start(workspace.Config("throwing")));

        Assert.Equal("throwing", error.PluginId);
        Assert.Equal(Path.Combine(folder, "MoodDJ.TestPlugins.Throwing.dll"), error.FilePath);
        Assert.Contains("Register threw InvalidOperationException: setting 'apiKey' is required", error.Message);
    }

    [Fact]
    public async Task A_disabled_plugin_is_not_loaded_and_a_use_naming_it_says_so()
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Alpha");
        workspace.Add("Beta");
        var plugins = new JsonObject { ["disabled"] = new JsonArray("beta") };

        await using (var engine = MoodDJEngine.Start(workspace.Config("alpha", plugins)))
        {
            var status = engine.Plugins.Single(p => p.Id == "beta");
            Assert.Equal(PluginState.Disabled, status.State);
            Assert.Empty(status.Implementations);
        }

        var error = Assert.Throws<ConfigurationException>(() => MoodDJEngine.Start(workspace.Config("beta", plugins)));
        Assert.Contains("Disabled by plugins:disabled: beta", error.Message);
    }

    [Fact]
    public async Task Two_plugins_offering_the_same_name_for_one_kind_are_rejected()
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Alpha");
        var twin = workspace.Add("Alpha", "alpha-twin");
        workspace.EditManifest(twin, m => m["id"] = "alpha-twin");
        workspace.Add("Beta");

        await using (var engine = MoodDJEngine.Start(workspace.Config("beta")))
        {
            var status = engine.Plugins.Single(p => p.Id == "alpha-twin");
            Assert.Equal(PluginState.Malfunctioned, status.State);
            Assert.Contains("mood-analyzer 'alpha', which plugin 'alpha' already offers", status.Reason);
        }

        var error = Assert.Throws<PluginLoadException>(() => MoodDJEngine.Start(workspace.Config("alpha")));
        Assert.Contains("both plugins offer", error.Message);
    }

    [Fact]
    public async Task A_plugin_with_a_corrupt_deps_file_is_marked_with_one_clear_line()
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Alpha");
        var broken = workspace.Add("Beta");
        File.WriteAllText(Path.Combine(broken, "MoodDJ.TestPlugins.Beta.deps.json"), "{ garbage");

        await using var engine = MoodDJEngine.Start(workspace.Config("alpha"));

        var status = engine.Plugins.Single(p => p.Id == "beta");
        Assert.Equal(PluginState.Malfunctioned, status.State);
        Assert.Contains("Rebuild the plugin", status.Reason);
    }

    [Fact]
    public async Task An_entry_assembly_that_is_not_dotnet_is_marked()
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Alpha");
        var broken = workspace.Add("Native");
        workspace.EditManifest(broken, m => m["entryAssembly"] = "libmoodnative.dll");
        File.Copy(Path.Combine(broken, "libmoodnative.so"), Path.Combine(broken, "libmoodnative.dll"));

        await using var engine = MoodDJEngine.Start(workspace.Config("alpha"));

        Assert.Contains("not a .NET assembly", engine.Plugins.Single(p => p.Id == "native").Reason);
    }

    [Fact]
    public async Task Two_folders_with_the_same_plugin_id_load_only_the_first()
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Alpha", "a");
        var second = workspace.Add("Alpha", "b");

        await using var engine = MoodDJEngine.Start(workspace.Config("alpha"));

        var status = engine.Plugins.Single(p => p.Folder == second);
        Assert.Equal(PluginState.Malfunctioned, status.State);
        Assert.Contains("its id is already used by the plugin in", status.Reason);
        Assert.Equal(PluginState.Active, engine.Plugins.Single(p => p.Folder != second).State);
    }

    [Fact]
    public async Task Inspect_lists_plugins_for_a_configuration_that_Start_refuses()
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Alpha");
        workspace.Add("Throwing");
        var configuration = workspace.Config("throwing");

        await using var engine = MoodDJEngine.Inspect(configuration);

        Assert.Equal([PluginState.Active, PluginState.Malfunctioned], engine.Plugins.OrderBy(p => p.Id).Select(p => p.State));
        var error = Assert.Throws<PluginLoadException>(engine.ValidateUse);
        Assert.Contains("needed for use:moodAnalyzer = 'throwing'", error.Message);
        Assert.Throws<ConfigurationException>(() => engine.MoodAnalyzer);
    }
}
