using Microsoft.Extensions.Configuration;
using MoodDJ.Abstractions.Settings;

namespace MoodDJ.Host.Web;

/// <summary>The <c>web</c> section of mooddj.json (docs/configuration.md, "web").</summary>
public sealed class WebOptions
{
    public const string Section = "web";

    /// <summary>Where the page is served (semicolon-separated URLs, as ASP.NET Core takes them).</summary>
    public string Urls { get; set; } = "http://127.0.0.1:8080";

    /// <summary><c>local</c>: run the station in this process; <c>remote</c>: control a `mooddj server` at <see cref="Server"/>.</summary>
    public string Station { get; set; } = "local";

    /// <summary>host:port of the remote station's control port (with <c>station: remote</c>).</summary>
    public string Server { get; set; } = "127.0.0.1:5678";

    /// <summary>Jitter-buffer depth of each browser listener's player on the host, in ms.</summary>
    public int JitterMs { get; set; } = 40;

    public bool IsRemote => string.Equals(Station, "remote", StringComparison.OrdinalIgnoreCase);

    public static IReadOnlyList<string> Keys { get; } = ["urls", "station", "server", "jitterMs"];

    public static WebOptions From(IConfiguration configuration)
    {
        var options = new WebOptions();
        var section = configuration.GetSection(Section);
        foreach (var child in section.GetChildren())
            if (!Keys.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
                throw new SettingsException($"web:{child.Key}", $"web:{child.Key} is not a web setting; it takes {string.Join(", ", Keys)}.");
        options.Urls = section["urls"] is { Length: > 0 } urls ? urls : options.Urls;
        options.Station = section["station"] is { Length: > 0 } station ? station.Trim().ToLowerInvariant() : options.Station;
        options.Server = section["server"] is { Length: > 0 } server ? server : options.Server;
        if (section["jitterMs"] is { Length: > 0 } jitter)
            options.JitterMs = int.TryParse(jitter, out var ms) && ms is >= 10 and <= 2000 ? ms
                : throw new SettingsException("web:jitterMs", $"web:jitterMs must be a whole number of milliseconds from 10 to 2000, not '{jitter}'.");
        if (options.Station is not ("local" or "remote"))
            throw new SettingsException("web:station", $"web:station must be 'local' or 'remote', not '{options.Station}'.");
        return options;
    }
}
