using Microsoft.Extensions.Configuration;
using MoodDJ.Abstractions.Plugins;
using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Configuration;

/// <summary>
/// The <c>use</c> section: which implementation (by name) serves each kind. An empty value leaves a
/// kind unselected (for hosts that never need it); asking the engine for it then fails clearly.
/// </summary>
public sealed record UseOptions
{
    public const string Section = "use";

    public string? MoodAnalyzer { get; init; }
    public IReadOnlyList<string> MusicSources { get; init; } = [];
    public string? Codec { get; init; }
    public string? Crypto { get; init; }
    public string? ControlTransport { get; init; }
    public string? StreamTransport { get; init; }
    public string? AudioOutput { get; init; }

    /// <summary>Every (key, kind, name) this selection needs, in a stable order, for validation.</summary>
    public IEnumerable<UseChoice> Choices()
    {
        var all = new List<UseChoice?>
        {
            Choice("moodAnalyzer", PluginKind.MoodAnalyzer, MoodAnalyzer),
        };
        all.AddRange(MusicSources.Select(name => Choice("musicSources", PluginKind.MusicSource, name)));
        all.Add(Choice("codec", PluginKind.Codec, Codec));
        all.Add(Choice("crypto", PluginKind.Crypto, Crypto));
        all.Add(Choice("controlTransport", PluginKind.ControlTransport, ControlTransport));
        all.Add(Choice("streamTransport", PluginKind.StreamTransport, StreamTransport));
        all.Add(Choice("audioOutput", PluginKind.AudioOutput, AudioOutput));
        return all.OfType<UseChoice>();
    }

    private static UseChoice? Choice(string key, PluginKind kind, string? name) =>
        name is null ? null : new UseChoice($"{Section}:{key}", kind, name);

    /// <summary>The keys of the section, as written in mooddj.json.</summary>
    public static IReadOnlyList<string> Keys { get; } =
        ["moodAnalyzer", "musicSources", "codec", "crypto", "controlTransport", "streamTransport", "audioOutput"];

    public static UseOptions Read(IConfiguration configuration)
    {
        var reader = new ConfigurationReader(configuration);
        reader.RejectUnknownKeys(Section, Keys);
        string? Name(string key) => reader.GetString($"{Section}:{key}") is { } value && value.Trim().Length > 0 ? value.Trim() : null;
        return new UseOptions
        {
            MoodAnalyzer = Name("moodAnalyzer"),
            MusicSources = reader.GetStringList($"{Section}:musicSources"),
            Codec = Name("codec"),
            Crypto = Name("crypto"),
            ControlTransport = Name("controlTransport"),
            StreamTransport = Name("streamTransport"),
            AudioOutput = Name("audioOutput"),
        };
    }
}

/// <summary>One name the configuration selects: the key it was written under, its kind and the implementation name.</summary>
public sealed record UseChoice(string Key, PluginKind Kind, string Name);
