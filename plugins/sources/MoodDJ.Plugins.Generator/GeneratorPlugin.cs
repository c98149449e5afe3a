using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.Generator;

/// <summary>Registers the "generator" music source. Settings (plugins:settings:generator): see <see cref="GeneratorSettings"/>.</summary>
public sealed class GeneratorPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var path = PluginOptionsExtensions.SettingsPath(context);
        services.AddPluginOptions<GeneratorSettings>(context).ValidateSettings(s => GeneratorOptions.From(s, path));
        services.AddMusicSource(GeneratorMusicSource.SourceName,
            sp => new GeneratorMusicSource(GeneratorOptions.From(sp.GetRequiredService<IOptions<GeneratorSettings>>().Value, path)));
    }
}
