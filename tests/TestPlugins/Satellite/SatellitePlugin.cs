using System.Globalization;
using System.Resources;
using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.TestPlugins.Satellite;

public sealed class SatellitePlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context) =>
        services.AddMoodAnalyzer("satellite", _ => new SatelliteAnalyzer(context.Settings["culture"] ?? ""));
}

/// <summary>Its evidence is the word "calm" in the configured culture, read from the plugin's resources.</summary>
public sealed class SatelliteAnalyzer(string culture) : IMoodAnalyzer
{
    private static readonly ResourceManager Strings = new("MoodDJ.TestPlugins.Satellite.Strings", typeof(SatelliteAnalyzer).Assembly);

    public ValueTask<MoodReading> AnalyzeAsync(string text, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new MoodReading(MoodLabel.Calm, 0, -0.5, 1,
            [new MoodEvidence(Strings.GetString("Calm", CultureInfo.GetCultureInfo(culture))!, 0, 0)]));
}
