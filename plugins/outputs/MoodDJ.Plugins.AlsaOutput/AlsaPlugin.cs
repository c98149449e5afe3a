using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MoodDJ.Abstractions.Plugins;
using MoodDJ.Abstractions.Settings;

namespace MoodDJ.Plugins.AlsaOutput;

/// <summary>Registers the "alsa" output. Settings (plugins:settings:alsa): <see cref="AlsaSettings"/>.</summary>
public sealed class AlsaPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var path = PluginOptionsExtensions.SettingsPath(context);
        services.AddPluginOptions<AlsaSettings>(context).ValidateSettings(s => s.Validate(path));
        services.AddAudioOutput("alsa", sp =>
        {
            var settings = sp.GetRequiredService<IOptions<AlsaSettings>>().Value;
            return new AlsaAudioOutput(settings.Device, TimeSpan.FromMilliseconds(settings.LatencyMs));
        });
    }
}

/// <summary>Settings of the alsa output.</summary>
public sealed class AlsaSettings
{
    /// <summary>The ALSA device (`aplay -L` lists them).</summary>
    public string Device { get; set; } = "default";

    /// <summary>The buffer ALSA keeps, in milliseconds.</summary>
    public int LatencyMs { get; set; } = 100;

    public void Validate(string path)
    {
        if (string.IsNullOrWhiteSpace(Device))
            throw SettingsRules.Invalid(path, "device", "must name a device (`aplay -L` lists them); remove it for 'default'");
        SettingsRules.Range(path, "latencyMs", LatencyMs, 10, 2000);
    }
}
