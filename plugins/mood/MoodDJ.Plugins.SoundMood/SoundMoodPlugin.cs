using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.SoundMood;

/// <summary>The plugin entry: registers the "audio" sound mood analyzer. Settings: plugins:settings:audio (<see cref="SoundMoodSettings"/>).</summary>
public sealed class SoundMoodPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var path = PluginOptionsExtensions.SettingsPath(context);
        services.AddPluginOptions<SoundMoodSettings>(context).ValidateSettings(s => SoundMoodOptions.From(s, path));
        services.AddSoundMoodAnalyzer("audio", sp =>
            new SoundMoodAnalyzer(SoundMoodOptions.From(sp.GetRequiredService<IOptions<SoundMoodSettings>>().Value, path)));
    }
}
