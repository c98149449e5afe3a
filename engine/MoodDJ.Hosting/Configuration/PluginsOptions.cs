using Microsoft.Extensions.Configuration;
using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Configuration;

/// <summary>The <c>plugins</c> section: where plugins live, which are switched off, and hot reload.</summary>
public sealed record PluginsOptions
{
    public const string Section = "plugins";

    /// <summary>Absolute path of the folder holding one subfolder per plugin.</summary>
    public required string Folder { get; init; }

    /// <summary>Watch plugin folders and swap a plugin in when its files change.</summary>
    public bool HotReload { get; init; }

    /// <summary>How long files must stay unchanged before a reload starts (a build writes many files).</summary>
    public TimeSpan ReloadDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Plugin ids not to load.</summary>
    public IReadOnlySet<string> Disabled { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The keys of the section, as written in mooddj.json.</summary>
    public static IReadOnlyList<string> Keys { get; } = ["folder", "hotReload", "reloadDelayMs", "disabled", "settings"];

    /// <summary>Reads and validates the section. A relative folder is relative to the host's own folder.</summary>

    public static PluginsOptions Read(IConfiguration configuration)
    {
        var reader = new ConfigurationReader(configuration);
        reader.RejectUnknownKeys(Section, Keys);
        var folder = reader.GetRequiredString($"{Section}:folder");
        return new PluginsOptions
        {
            Folder = Path.GetFullPath(Path.IsPathRooted(folder) ? folder : Path.Combine(AppContext.BaseDirectory, folder)),
            HotReload = reader.GetBool($"{Section}:hotReload", false),
            ReloadDelay = TimeSpan.FromMilliseconds(reader.GetInt($"{Section}:reloadDelayMs", 200, 10, 60_000)),
            Disabled = reader.GetStringList($"{Section}:disabled").ToHashSet(StringComparer.OrdinalIgnoreCase),
        };
    }

    /// <summary>The configuration section a plugin reads its own options from.</summary>
    public static string SettingsKey(string pluginId) => $"{Section}:settings:{pluginId}";
}
