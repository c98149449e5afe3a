using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.TestPlugins.Native;

public sealed class NativePlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context) =>
        services.AddMoodAnalyzer("native", _ => new NativeAnalyzer());
}

/// <summary>Puts the native library's answer for the text's length into its evidence.</summary>
public sealed partial class NativeAnalyzer : IMoodAnalyzer
{
    // Bare name: the loader must find libmoodnative.so in the plugin folder (lib prefix, .so suffix).
    [LibraryImport("moodnative", EntryPoint = "moodnative_answer")]
    private static partial int Answer(int x);

    public ValueTask<MoodReading> AnalyzeAsync(string text, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new MoodReading(MoodLabel.Focused, 0, 0, 1, [new MoodEvidence($"native:{Answer(text.Length)}", 0, 0)]));
}
