using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MoodDJ.Abstractions.Plugins;
using MoodDJ.Abstractions.Settings;

namespace MoodDJ.Plugins.Outputs;

/// <summary>Registers the "wav", "stdout" and "null" audio outputs. Settings (plugins:settings:outputs): <see cref="OutputsSettings"/>.</summary>
public sealed class OutputsPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var path = PluginOptionsExtensions.SettingsPath(context);
        services.AddPluginOptions<OutputsSettings>(context)
            .ValidateSettings(s => SettingsRules.NotBlank(path, "wavPath", s.WavPath, "remove it to write mooddj.wav"));
        services.AddAudioOutput("wav", sp => new WavAudioOutput(sp.GetRequiredService<IOptions<OutputsSettings>>().Value.WavPath ?? "mooddj.wav"));
        services.AddAudioOutput("stdout", _ => new StdoutAudioOutput());
        services.AddAudioOutput("null", sp => new NullAudioOutput(sp.GetRequiredService<IOptions<OutputsSettings>>().Value.Pace));
    }
}

/// <summary>Settings of the bundled outputs.</summary>
public sealed class OutputsSettings
{
    /// <summary>The file the wav output writes (default mooddj.wav in the current folder).</summary>
    public string? WavPath { get; set; }

    /// <summary>Whether the null output keeps real time (it swallows audio instantly otherwise).</summary>
    public bool Pace { get; set; }
}
