using MoodDJ.Abstractions.Settings;

namespace MoodDJ.Plugins.Generator;

/// <summary>The keys of <c>plugins:settings:generator</c> as written in mooddj.json; <see cref="GeneratorOptions.From"/> checks and converts them.</summary>
public sealed class GeneratorSettings
{
    /// <summary>Base seed; unset (or "") means a fresh random one per process (new music every run).</summary>
    public ulong? Seed { get; set; }

    /// <summary>Length of each generated track, 1..3600 seconds.</summary>
    public double DurationSeconds { get; set; } = 180;
}

/// <summary>The generator's checked settings.</summary>
internal sealed record GeneratorOptions
{
    public const long MaxDurationMs = 3_600_000;

    /// <summary>Base seed; null means a fresh random one per process (new music every run).</summary>
    public ulong? Seed { get; init; }

    /// <summary>Length of each generated track.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Checks the settings; every error names the full key (<paramref name="path"/>:key).</summary>
    public static GeneratorOptions From(GeneratorSettings settings, string path)
    {
        SettingsRules.Range(path, "durationSeconds", settings.DurationSeconds, 1, MaxDurationMs / 1000.0);
        return new GeneratorOptions { Seed = settings.Seed, Duration = TimeSpan.FromSeconds(settings.DurationSeconds) };
    }
}
