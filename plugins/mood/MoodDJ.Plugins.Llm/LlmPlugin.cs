using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.Llm;

/// <summary>
/// The plugin entry: registers the "llm" mood analyzer. Settings (plugins:settings:llm): see
/// <see cref="LlmSettings"/>. The fallback is looked up by name when first needed, so this plugin
/// never references the lexicon plugin's assembly.
/// </summary>
public sealed class LlmPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var path = PluginOptionsExtensions.SettingsPath(context);
        services.AddPluginOptions<LlmSettings>(context).ValidateSettings(s => LlmOptions.From(s, path));
        services.AddMoodAnalyzer("llm", sp =>
        {
            var options = LlmOptions.From(sp.GetRequiredService<IOptions<LlmSettings>>().Value, path);
            return new LlmMoodAnalyzer(
                options,
                () => options.Fallback.Length == 0 ? null : sp.GetKeyedService<IMoodAnalyzer>(options.Fallback),
                logger: sp.GetService<ILoggerFactory>()?.CreateLogger<LlmMoodAnalyzer>());
        });
    }
}
