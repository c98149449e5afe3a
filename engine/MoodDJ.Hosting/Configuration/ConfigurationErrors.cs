using Microsoft.Extensions.Configuration;
using MoodDJ.Abstractions.Settings;

namespace MoodDJ.Hosting.Configuration;

/// <summary>Turns a settings error into the one-line configuration error users see, with where the value came from.</summary>
public static class ConfigurationErrors
{
    /// <summary>The top-level sections mooddj.json may have (docs/mooddj.schema.json); add a section here when a part reads a new one.</summary>
    public static IReadOnlyList<string> KnownSections { get; } = ["$schema", "plugins", "use", "station", "player", "peer", "swarm", "music", "web", "rtsp", "storage", "rooms"];

    public static ConfigurationException WithSource(SettingsException error, IConfiguration configuration)
    {
        var source = $"(from {ConfigurationSourceName.Of(configuration, error.Key)})";
        var message = error.Message.TrimEnd('.');
        // "key (from where) is wrong because…" reads best; otherwise the source goes at the end.
        message = message.StartsWith(error.Key + " ", StringComparison.Ordinal)
            ? $"{error.Key} {source}{message[error.Key.Length..]}"
            : $"{message} {source}";
        return new ConfigurationException($"{message}{(message.EndsWith('?') ? "" : ".")} See docs/configuration.md.", error);
    }

    /// <summary>Fails on a top-level section nobody reads (a typo such as "staton" would otherwise be ignored).</summary>
    public static void RejectUnknownSections(IConfiguration configuration)
    {
        foreach (var section in configuration.GetChildren())
        {
            if (KnownSections.Contains(section.Key, StringComparer.OrdinalIgnoreCase)) continue;
            var guess = Suggestion.Closest(section.Key, KnownSections);
            throw new ConfigurationException(
                $"'{section.Key}' (from {ConfigurationSourceName.Of(configuration, section.Key)}) is not a known section.{(guess is null ? "" : $" Did you mean '{guess}'?")} mooddj.json takes: {string.Join(", ", KnownSections.Skip(1))}.");
        }
    }
}
