using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.Llm;

/// <summary>
/// The plugin entry: registers the "llm" mood analyzer. Settings (plugins:settings:llm): endpoint,
/// model, apiKeyEnv, timeoutMs, fallback (a mood analyzer name, default "lexicon"), maxChars,
/// maxResponseBytes. The fallback is looked up by name when first needed, so this plugin never
/// references the lexicon plugin's assembly.
/// </summary>
public sealed class LlmPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var options = LlmOptions.Read(context.Settings);
        services.AddMoodAnalyzer("llm", sp => new LlmMoodAnalyzer(
            options,
            () => options.Fallback.Length == 0 ? null : sp.GetKeyedService<IMoodAnalyzer>(options.Fallback),
            logger: sp.GetService<ILoggerFactory>()?.CreateLogger<LlmMoodAnalyzer>()));
    }
}
