using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.PluginTemplate;

/// <summary>
/// The plugin's one entry type: MoodDJ creates it and calls Register once. Select the analyzer in
/// mooddj.json with "use": { "moodAnalyzer": "plugintemplateid" }; its settings come from
/// "plugins": { "settings": { "plugintemplateid": { "keywords": { "rain": "sad" } } } }.
/// </summary>
public sealed class PluginEntry : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var keywords = KeywordMoodAnalyzer.ReadKeywords(context.Settings.GetSection("keywords"));
        services.AddMoodAnalyzer("plugintemplateid", _ => new KeywordMoodAnalyzer(keywords));
    }
}
