using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.AlsaOutput;

/// <summary>Registers the "alsa" output. Settings (plugins:settings:alsa): <c>device</c> (default "default"), <c>latencyMs</c> (10..2000, default 100).</summary>
public sealed class AlsaPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var device = context.Settings["device"];
        if (device is not null && string.IsNullOrWhiteSpace(device))
            throw new ArgumentException("plugins:settings:alsa:device must name a device (`aplay -L` lists them); remove it for 'default'.");
        var latencyMs = 100;
        var latencyText = context.Settings["latencyMs"];
        if (!string.IsNullOrWhiteSpace(latencyText)
            && (!int.TryParse(latencyText, NumberStyles.Integer, CultureInfo.InvariantCulture, out latencyMs) || latencyMs is < 10 or > 2000))
            throw new ArgumentException($"plugins:settings:alsa:latencyMs must be 10..2000, not '{latencyText}'.");
        services.AddAudioOutput("alsa", _ => new AlsaAudioOutput(device ?? "default", TimeSpan.FromMilliseconds(latencyMs)));
    }
}
