namespace MoodDJ.Host.Web;

/// <summary>
/// The web host's command line: <c>--config FILE</c>, <c>--urls URL</c> (ASP.NET Core's usual
/// switch, kept as <c>web:urls</c>) and MoodDJ's <c>--section:key=value</c> settings.
/// </summary>
public static class WebArguments
{
    public static (string? ConfigPath, string[] Settings) Split(string[] args)
    {
        string? config = null;
        var settings = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? Value(string name) => arg.StartsWith(name + "=", StringComparison.Ordinal) ? arg[(name.Length + 1)..]
                : arg == name ? (i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.")) : null;
            if (Value("--config") is { } path) config = path;
            else if (Value("--urls") is { } urls) settings.Add($"--web:urls={urls}");
            else if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains(':')) settings.Add(arg);
            else throw new ArgumentException($"'{arg}' is not an option of mooddj-web; it takes --config FILE, --urls URL and --section:key=value.");
        }
        return (config, settings.ToArray());
    }
}
