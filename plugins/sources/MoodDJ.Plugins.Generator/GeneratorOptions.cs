using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace MoodDJ.Plugins.Generator;

/// <summary>Settings from <c>plugins:settings:generator</c>.</summary>
internal sealed record GeneratorOptions
{
    public const long MaxDurationMs = 3_600_000;

    /// <summary>Base seed; null means a fresh random one per process (new music every run).</summary>
    public ulong? Seed { get; init; }

    /// <summary>Length of each generated track.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(3);

    public static GeneratorOptions From(IConfiguration settings)
    {
        var options = new GeneratorOptions();
        var seedText = settings["seed"];
        if (!string.IsNullOrWhiteSpace(seedText))
        {
            if (!ulong.TryParse(seedText, NumberStyles.None, CultureInfo.InvariantCulture, out var seed))
                throw new ArgumentException($"plugins:settings:generator:seed must be a whole number ≥ 0, not '{seedText}'.");
            options = options with { Seed = seed };
        }
        var durationText = settings["durationSeconds"];
        if (!string.IsNullOrWhiteSpace(durationText))
        {
            if (!double.TryParse(durationText, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                || !double.IsFinite(seconds) || seconds < 1 || seconds * 1000 > MaxDurationMs)
                throw new ArgumentException($"plugins:settings:generator:durationSeconds must be 1..3600, not '{durationText}'.");
            options = options with { Duration = TimeSpan.FromSeconds(seconds) };
        }
        return options;
    }
}
