using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.TestPlugins.Alpha;

public sealed class AlphaPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        // "label" lets a test check that the plugin's settings section reaches it.
        var label = context.Settings["label"] ?? "Happy";
        services.AddMoodAnalyzer("alpha", _ => new LibraryAnalyzer(Enum.Parse<MoodDJ.Abstractions.Mood.MoodLabel>(label)));
    }
}
