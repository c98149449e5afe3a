namespace MoodDJ.Abstractions.Plugins;

/// <summary>The kinds of service a plugin can provide. Each kind has one small interface.</summary>
public enum PluginKind
{
    MoodAnalyzer,
    MusicSource,
    Codec,
    Crypto,
    ControlTransport,
    StreamTransport,
    Discovery,
    AudioOutput,
}

/// <summary>The spelling of each kind in plugin.json and mooddj.json ("mood-analyzer", …).</summary>
public static class PluginKindNames
{
    private static readonly (PluginKind Kind, string Name)[] Names =
    [
        (PluginKind.MoodAnalyzer, "mood-analyzer"),
        (PluginKind.MusicSource, "music-source"),
        (PluginKind.Codec, "codec"),
        (PluginKind.Crypto, "crypto"),
        (PluginKind.ControlTransport, "control-transport"),
        (PluginKind.StreamTransport, "stream-transport"),
        (PluginKind.Discovery, "discovery"),
        (PluginKind.AudioOutput, "audio-output"),
    ];

    public static string ToName(this PluginKind kind)
    {
        foreach (var (k, name) in Names)
            if (k == kind) return name;
        throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown plugin kind.");
    }

    public static bool TryParse(string? name, out PluginKind kind)
    {
        foreach (var (k, n) in Names)
        {
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            {
                kind = k;
                return true;
            }
        }
        kind = default;
        return false;
    }

    public static IEnumerable<string> All => Names.Select(n => n.Name);
}
