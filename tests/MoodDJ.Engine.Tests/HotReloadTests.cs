using MoodDJ.Hosting.Configuration;
using MoodDJ.Hosting;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Text.Json.Nodes;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Hosting.Plugins;

namespace MoodDJ.Engine.Tests;

public sealed class HotReloadTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 60_000)]
    public async Task Overwriting_a_plugins_files_swaps_in_the_new_build_and_unloads_the_old_one()
    {
        using var workspace = new TestPluginWorkspace();
        var folder = workspace.Add("HotV1", "hot");
        var plugins = new JsonObject { ["hotReload"] = true, ["reloadDelayMs"] = 200 };
        await using var engine = MoodDJEngine.Start(workspace.Config("hot", plugins));
        var (label, oldContext) = await AnalyzeAndWatch(engine);
        Assert.Equal(MoodLabel.Calm, label);

        var reloaded = new TaskCompletionSource<PluginReloadedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        engine.Reloaded += (_, e) =>
        {
            if (e.Status is { State: PluginState.Active }) reloaded.TrySetResult(e);
        };
        TestPluginWorkspace.CopyFolder(Path.Combine(TestPluginWorkspace.BuildsFolder, "HotV2"), folder);

        var args = await reloaded.Task.WaitAsync(Patience);
        Assert.Equal(folder, args.Folder);
        Assert.Null(args.Error);
        // A second burst of events may still be settling; wait until the engine serves the new build.
        await Eventually(async () => (await engine.MoodAnalyzer.AnalyzeAsync("x")).Label == MoodLabel.Energetic);
        Assert.True(await Unloads(oldContext), "the old build's assembly was never collected");
        Assert.Equal(PluginState.Active, engine.Plugins.Single().State);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_reload_disposes_the_reloaded_plugins_objects_and_leaves_other_plugins_objects_alone()
    {
        using var workspace = new TestPluginWorkspace();
        var folder = workspace.Add("HotV1", "hot");
        workspace.Add("Alpha");
        var plugins = new JsonObject { ["hotReload"] = true, ["reloadDelayMs"] = 100 };
        var engine = MoodDJEngine.Start(workspace.Config("hot", plugins));
        var oldHot = engine.MoodAnalyzer;
        var alpha = engine.Get<IMoodAnalyzer>("alpha");

        TestPluginWorkspace.CopyFolder(Path.Combine(TestPluginWorkspace.BuildsFolder, "HotV2"), folder);
        await Eventually(async () => (await engine.MoodAnalyzer.AnalyzeAsync("x")).Label == MoodLabel.Energetic);

        await Eventually(() => Task.FromResult(IsDisposed(oldHot)));
        Assert.False(IsDisposed(alpha));
        Assert.Equal(MoodLabel.Happy, (await alpha.AnalyzeAsync("x")).Label);

        await engine.DisposeAsync();
    }

    [Fact]
    public async Task Disposing_the_engine_disposes_the_objects_its_plugins_created()
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Alpha");
        var engine = MoodDJEngine.Start(workspace.Config("alpha"));
        var alpha = engine.MoodAnalyzer;

        await engine.DisposeAsync();

        Assert.True(IsDisposed(alpha));
    }

    private static bool IsDisposed(object analyzer) =>
        (bool)analyzer.GetType().GetProperty("IsDisposed")!.GetValue(analyzer)!;

    [Fact(Timeout = 60_000)]
    public async Task A_reload_that_breaks_a_needed_plugin_reports_the_error_and_a_fixed_build_recovers()
    {
        using var workspace = new TestPluginWorkspace();
        var folder = workspace.Add("HotV1", "hot");
        var plugins = new JsonObject { ["hotReload"] = true, ["reloadDelayMs"] = 100 };
        await using var engine = MoodDJEngine.Start(workspace.Config("hot", plugins));
        var events = new List<PluginReloadedEventArgs>();
        engine.Reloaded += (_, e) => { lock (events) events.Add(e); };

        File.WriteAllText(Path.Combine(folder, "plugin.json"), "{ broken");
        await Eventually(() => Task.FromResult(Snapshot(events).Any(e => e.Error is PluginLoadException)));
        Assert.Equal(PluginState.Malfunctioned, engine.Plugins.Single().State);
        Assert.Throws<ConfigurationException>(() => engine.MoodAnalyzer);

        TestPluginWorkspace.CopyFolder(Path.Combine(TestPluginWorkspace.BuildsFolder, "HotV2"), folder);
        await Eventually(() => Task.FromResult(engine.Plugins.Single().State == PluginState.Active));
        Assert.Equal(MoodLabel.Energetic, (await engine.MoodAnalyzer.AnalyzeAsync("x")).Label);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_plugin_folder_added_while_running_is_loaded()
    {
        using var workspace = new TestPluginWorkspace();
        workspace.Add("Alpha");
        var plugins = new JsonObject { ["hotReload"] = true, ["reloadDelayMs"] = 100 };
        await using var engine = MoodDJEngine.Start(workspace.Config("alpha", plugins));

        workspace.Add("Beta");

        await Eventually(() => Task.FromResult(engine.Plugins.Any(p => p is { Id: "beta", State: PluginState.Active })));
        Assert.Equal("lib-v2@2.0.0.0", (await engine.Get<IMoodAnalyzer>("beta").AnalyzeAsync("x")).Evidence.Single().Text);
    }

    [Fact(Timeout = 60_000)]
    public async Task Without_hot_reload_plugins_are_not_collectible_and_changes_are_ignored()
    {
        using var workspace = new TestPluginWorkspace();
        var folder = workspace.Add("HotV1", "hot");
        await using var engine = MoodDJEngine.Start(workspace.Config("hot"));
        var reloads = 0;
        engine.Reloaded += (_, _) => Interlocked.Increment(ref reloads);

        Assert.False(AssemblyLoadContext.GetLoadContext(engine.MoodAnalyzer.GetType().Assembly)!.IsCollectible);
        File.WriteAllText(Path.Combine(folder, "plugin.json"), "{ broken");
        await Task.Delay(1000);

        Assert.Equal(0, Volatile.Read(ref reloads));
        Assert.Equal(MoodLabel.Calm, (await engine.MoodAnalyzer.AnalyzeAsync("x")).Label);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_reloadable_plugin_loads_its_native_library_from_a_shadow_copy_deleted_on_unload()
    {
        using var workspace = new TestPluginWorkspace();
        var folder = workspace.Add("Native");
        var engine = MoodDJEngine.Start(workspace.Config("native", new JsonObject { ["hotReload"] = true }));
        var before = ShadowFolders();

        Assert.Equal("native:3", (await engine.MoodAnalyzer.AnalyzeAsync("x")).Evidence.Single().Text);
        var created = ShadowFolders().Except(before).ToArray();
        var shadow = Assert.Single(created);
        Assert.True(File.Exists(Path.Combine(shadow, "libmoodnative.so")));
        // The original can be replaced while the plugin runs.
        File.Copy(Path.Combine(folder, "libmoodnative.so"), Path.Combine(folder, "libmoodnative.so.new"));
        File.Move(Path.Combine(folder, "libmoodnative.so.new"), Path.Combine(folder, "libmoodnative.so"), overwrite: true);

        await engine.DisposeAsync();

        Assert.False(Directory.Exists(shadow));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_collectible_plugin_unloads_once_nothing_references_it()
    {
        using var workspace = new TestPluginWorkspace();
        var folder = workspace.Add("Alpha");

        var context = LoadAndCallThenUnload(folder);

        Assert.True(await Unloads(context), "the plugin's assembly was never collected");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference LoadAndCallThenUnload(string folder)
    {
        var plugin = new PluginLoader(hotReload: true).Load(folder);
        var registration = MoodDJ.Hosting.Composition.PluginRegistrar.Register(plugin, MoodDJConfiguration.Build(null, []));
        Assert.Single(registration.Implementations);
        Assert.True(plugin.IsUnloadable);
        // The assembly, not just the context object: a collectible context's assemblies stay alive until it is unloaded.
        var weak = new WeakReference(plugin.Entry.GetType().Assembly);
        plugin.Unload();
        return weak;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<(MoodLabel, WeakReference)> AnalyzeAndWatch(MoodDJEngine engine)
    {
        var analyzer = engine.MoodAnalyzer;
        var assembly = analyzer.GetType().Assembly;
        Assert.True(AssemblyLoadContext.GetLoadContext(assembly)!.IsCollectible);
        // The assembly, not just the context object: a collectible context's assemblies stay alive until it is unloaded.
        return ((await analyzer.AnalyzeAsync("x")).Label, new WeakReference(assembly));
    }

    private static async Task<bool> Unloads(WeakReference context)
    {
        for (var i = 0; i < 100 && context.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            if (context.IsAlive) await Task.Delay(50);
        }
        return !context.IsAlive;
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not become true in time");
            await Task.Delay(50);
        }
    }

    private static PluginReloadedEventArgs[] Snapshot(List<PluginReloadedEventArgs> events)
    {
        lock (events) return events.ToArray();
    }

    private static string[] ShadowFolders()
    {
        var root = Path.Combine(Path.GetTempPath(), "mooddj-native");
        return Directory.Exists(root) ? Directory.GetDirectories(root, "native-*") : [];
    }
}
