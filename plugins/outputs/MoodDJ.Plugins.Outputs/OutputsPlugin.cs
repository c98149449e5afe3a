using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.Outputs;

/// <summary>
/// Registers the "wav", "stdout" and "null" audio outputs. Settings (plugins:settings:outputs):
/// <c>wavPath</c> (default "mooddj.wav"), <c>pace</c> (null output keeps real time; default false).
/// </summary>
public sealed class OutputsPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var wavPath = context.Settings["wavPath"];
        if (wavPath is not null && string.IsNullOrWhiteSpace(wavPath))
            throw new ArgumentException("plugins:settings:outputs:wavPath must not be empty; remove it to write mooddj.wav.");
        var paceText = context.Settings["pace"];
        var pace = false;
        if (!string.IsNullOrWhiteSpace(paceText) && !bool.TryParse(paceText, out pace))
            throw new ArgumentException($"plugins:settings:outputs:pace must be true or false, not '{paceText}'.");

        services.AddAudioOutput("wav", _ => new WavAudioOutput(wavPath ?? "mooddj.wav"));
        services.AddAudioOutput("stdout", _ => new StdoutAudioOutput());
        services.AddAudioOutput("null", _ => new NullAudioOutput(pace));
    }
}
