using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.TestPlugins.Hot;

public sealed class HotPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context) =>
        services.AddMoodAnalyzer("hot", _ => new HotAnalyzer());
}

/// <summary>Disposable, so tests can see that a reload disposes the old build's objects.</summary>
public sealed class HotAnalyzer : IMoodAnalyzer, IDisposable
{
    public bool IsDisposed { get; private set; }

    public void Dispose() => IsDisposed = true;

#if HOT_V2
    private const MoodLabel Label = MoodLabel.Energetic;
#else
    private const MoodLabel Label = MoodLabel.Calm;
#endif

    public ValueTask<MoodReading> AnalyzeAsync(string text, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new MoodReading(Label, 0, 0, 1));
}
