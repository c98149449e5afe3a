using MoodDJ.Hosting.Configuration;
using System.Diagnostics;
using MoodDJ.Hosting;
using MoodDJ.Hosting.Plugins;

namespace MoodDJ.Bench;

/// <summary>
/// How long the engine takes to load and compose every bundled plugin (first start in a process,
/// then repeated starts, with and without hot reload), and how long a hot reload takes from the
/// moment a plugin's DLL is rewritten until the engine serves the new build.
/// Run: dotnet run -c Release --project bench/MoodDJ.Bench -- plugin-loading
/// </summary>
public sealed class PluginLoadingScenario : IBenchScenario
{
    private const int Starts = 15;
    private const int Reloads = 7;
    private const int ReloadDelayMs = 200;

    public string Name => "plugin-loading";

    public async Task<int> RunAsync(string[] args)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "plugins");

        var cold = await TimeStart(folder, hotReload: false);
        Console.WriteLine($"first start (cold, {cold.Plugins} plugin folders, {cold.Active} active): {cold.Elapsed.TotalMilliseconds:F1} ms");

        var warm = new List<double>();
        var inMemory = new List<double>();
        for (var i = 0; i < Starts; i++)
        {
            warm.Add((await TimeStart(folder, hotReload: false)).Elapsed.TotalMilliseconds);
            inMemory.Add((await TimeStart(folder, hotReload: true)).Elapsed.TotalMilliseconds);
        }
        Console.WriteLine($"later starts, median of {Starts}: {Median(warm):F1} ms (file-mapped), {Median(inMemory):F1} ms (hot reload: collectible, in memory)");

        var reload = await TimeReloads(folder);
        Console.WriteLine($"hot reload, DLL rewritten → new build served, median of {Reloads}: {reload:F1} ms (of which {ReloadDelayMs} ms is the debounce delay)");
        return 0;
    }

    private static async Task<(TimeSpan Elapsed, int Plugins, int Active)> TimeStart(string folder, bool hotReload)
    {
        var configuration = MoodDJConfiguration.Build(null, Arguments(folder, hotReload));
        var watch = Stopwatch.StartNew();
        await using var engine = MoodDJEngine.Start(configuration);
        var elapsed = watch.Elapsed;
        return (elapsed, engine.Plugins.Count, engine.Plugins.Count(p => p.State == PluginState.Active));
    }

    private static async Task<double> TimeReloads(string bundled)
    {
        var root = Path.Combine(Path.GetTempPath(), "mooddj-bench", Guid.NewGuid().ToString("N"));
        try
        {
            // The lexicon is the plugin a user is most likely to iterate on.
            var source = Path.Combine(bundled, "lexicon");
            var target = Path.Combine(root, "lexicon");
            Directory.CreateDirectory(target);
            foreach (var file in Directory.GetFiles(source))
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            var dll = Directory.GetFiles(target, "MoodDJ.Plugins.*.dll").Single();

            await using var engine = MoodDJEngine.Start(MoodDJConfiguration.Build(null, Arguments(root, hotReload: true)));
            var samples = new List<double>();
            for (var i = 0; i < Reloads; i++)
            {
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                void OnReloaded(object? sender, PluginReloadedEventArgs e) => done.TrySetResult();
                engine.Reloaded += OnReloaded;
                var bytes = await File.ReadAllBytesAsync(dll);
                var watch = Stopwatch.StartNew();
                await File.WriteAllBytesAsync(dll, bytes);
                await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
                samples.Add(watch.Elapsed.TotalMilliseconds);
                engine.Reloaded -= OnReloaded;
                await Task.Delay(300);
            }
            return Median(samples);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Load everything, select nothing: the measurement is loading and composing, not any one plugin.</summary>
    private static string[] Arguments(string folder, bool hotReload) =>
    [
        $"--plugins:folder={folder}", $"--plugins:hotReload={hotReload}", $"--plugins:reloadDelayMs={ReloadDelayMs}",
        "--use:moodAnalyzer=", "--use:musicSources=", "--use:codec=", "--use:crypto=",
        "--use:controlTransport=", "--use:streamTransport=", "--use:audioOutput=",
    ];

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
