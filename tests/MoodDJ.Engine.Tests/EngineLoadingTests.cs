using MoodDJ.Hosting.Configuration;
using MoodDJ.Hosting;
using System.Runtime.Loader;
using System.Text.Json.Nodes;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Plugins;
using MoodDJ.Hosting.Plugins;

namespace MoodDJ.Engine.Tests;

public sealed class EngineLoadingTests
{
    [Fact]
    public async Task A_plugin_analyzer_is_the_hosts_IMoodAnalyzer_and_runs_in_its_own_context()
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Alpha");
        await using var engine = MoodDJEngine.Start(workspace.Config("alpha"));

        var analyzer = engine.MoodAnalyzer;
        var reading = await analyzer.AnalyzeAsync("anything");

        Assert.Equal(MoodLabel.Happy, reading.Label);
        var context = AssemblyLoadContext.GetLoadContext(analyzer.GetType().Assembly);
        Assert.NotSame(AssemblyLoadContext.Default, context);
        Assert.Contains("alpha", context!.Name, StringComparison.OrdinalIgnoreCase);   // McMaster names the context after the entry DLL
        // The interface the plugin implements is the very type the host compiled against.
        Assert.Contains(typeof(IMoodAnalyzer), analyzer.GetType().GetInterfaces());
        Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(typeof(IMoodAnalyzer).Assembly));
        var status = Assert.Single(engine.Plugins);
        Assert.Equal(("alpha", "1.0.0", PluginState.Active), (status.Id, status.Version, status.State));
        Assert.Equal([PluginKind.MoodAnalyzer], status.Kinds);
        var implementation = Assert.Single(status.Implementations);
        Assert.Equal((PluginKind.MoodAnalyzer, "alpha"), (implementation.Kind, implementation.Name));
    }

    [Fact]
    public async Task A_plugin_reads_its_own_settings_section()
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Alpha");
        var plugins = new JsonObject { ["settings"] = new JsonObject { ["alpha"] = new JsonObject { ["label"] = "Sad" } } };
        await using var engine = MoodDJEngine.Start(workspace.Config("alpha", plugins));

        Assert.Equal(MoodLabel.Sad, (await engine.MoodAnalyzer.AnalyzeAsync("x")).Label);
    }

    [Fact]
    public async Task Names_in_use_are_case_insensitive()
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Alpha");
        await using var engine = MoodDJEngine.Start(workspace.Config("ALPHA"));

        Assert.Equal(MoodLabel.Happy, (await engine.MoodAnalyzer.AnalyzeAsync("x")).Label);
    }

    [Fact]
    public async Task Two_plugins_carry_different_versions_of_one_private_dependency_side_by_side()
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Alpha");
        workspace.Add("Beta");
        await using var engine = MoodDJEngine.Start(workspace.Config("alpha"));

        var alpha = await engine.Get<IMoodAnalyzer>("alpha").AnalyzeAsync("x");
        var beta = await engine.Get<IMoodAnalyzer>("beta").AnalyzeAsync("x");

        Assert.Equal("lib-v1@1.0.0.0", Assert.Single(alpha.Evidence).Text);
        Assert.Equal("lib-v2@2.0.0.0", Assert.Single(beta.Evidence).Text);
        Assert.DoesNotContain(AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name == "MoodDJ.TestLib");
    }

    [Fact]
    public async Task A_native_library_in_the_plugin_folder_is_found_by_its_bare_name()
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Native");
        await using var engine = MoodDJEngine.Start(workspace.Config("native"));

        var reading = await engine.MoodAnalyzer.AnalyzeAsync("hello");

        Assert.Equal("native:11", Assert.Single(reading.Evidence).Text);
    }

    [Fact]
    public async Task A_satellite_assembly_in_a_culture_subfolder_is_found()
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Satellite");
        var settings = new JsonObject { ["settings"] = new JsonObject { ["satellite"] = new JsonObject { ["culture"] = "fr" } } };
        await using var french = MoodDJEngine.Start(workspace.Config("satellite", settings));

        Assert.Equal("calme", Assert.Single((await french.MoodAnalyzer.AnalyzeAsync("x")).Evidence).Text);
    }

    [Fact]
    public async Task A_kind_left_empty_in_use_fails_clearly_when_asked_for()
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Alpha");
        await using var engine = MoodDJEngine.Start(workspace.Config("alpha"));

        var error = Assert.Throws<ConfigurationException>(() => engine.Codec);

        Assert.Contains("use:codec is empty", error.Message);
    }

    [Fact]
    public async Task Asking_for_an_unknown_name_lists_what_is_installed()
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Alpha");
        workspace.Add("Beta");
        await using var engine = MoodDJEngine.Start(workspace.Config("alpha"));

        var error = Assert.Throws<ConfigurationException>(() => engine.Get<IMoodAnalyzer>("gamma"));

        Assert.Contains("mood analyzer 'gamma'; installed: alpha, beta", error.Message);
    }

    [Fact]
    public async Task The_engine_refuses_use_after_dispose()
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Alpha");
        var engine = MoodDJEngine.Start(workspace.Config("alpha"));
        await engine.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => engine.MoodAnalyzer);
    }
}
