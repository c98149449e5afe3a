using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.Generator;

/// <summary>Registers the "generator" music source with its settings (seed, durationSeconds).</summary>
public sealed class GeneratorPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var options = GeneratorOptions.From(context.Settings);
        services.AddMusicSource(GeneratorMusicSource.SourceName, _ => new GeneratorMusicSource(options));
    }
}
