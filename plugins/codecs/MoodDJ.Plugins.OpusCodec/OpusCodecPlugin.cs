using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.OpusCodec;

/// <summary>Registers the "opus" codec. Settings (plugins:settings:opus): <c>bitrate</c> (6000..510000, default by channels), <c>complexity</c> (0..10, default 8).</summary>
public sealed class OpusCodecPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var settings = new OpusSettings
        {
            Bitrate = Read(context.Settings, "bitrate", 6000, 510000, 0),
            Complexity = Read(context.Settings, "complexity", 0, 10, 8),
        };
        services.AddCodec("opus", _ => new OpusCodec(settings));
    }

    private static int Read(IConfiguration settings, string key, int min, int max, int fallback)
    {
        var text = settings[key];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new ArgumentException($"plugins:settings:opus:{key} must be a whole number in {min}..{max}, not '{text}'.");
        return value;
    }
}
