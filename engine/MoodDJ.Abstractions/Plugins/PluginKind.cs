using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Codecs;
using MoodDJ.Abstractions.Crypto;
using MoodDJ.Abstractions.Discovery;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;
using MoodDJ.Abstractions.Transport;

namespace MoodDJ.Abstractions.Plugins;

/// <summary>The kinds of service a plugin can provide. Each kind has one small interface; see <see cref="PluginKinds"/>.</summary>
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
    SoundMoodAnalyzer,
}

/// <summary>
/// Everything the host needs to know about one kind: its spelling in plugin.json, its service
/// interface, and its key in the <c>use</c> section of mooddj.json (a list when several can be chosen).
/// </summary>
public sealed record PluginKindInfo(PluginKind Kind, string ManifestName, Type ServiceType, string UseKey, bool ManyInUse);

/// <summary>
/// The one declaration of every plugin kind. The manifest parser, the <c>use</c> section, the
/// registration helpers and the engine's getters all read this table, so a new kind is one enum
/// member, one interface and one row here.
/// </summary>
public static class PluginKinds
{
    public static IReadOnlyList<PluginKindInfo> All { get; } =
    [
        new(PluginKind.MoodAnalyzer, "mood-analyzer", typeof(IMoodAnalyzer), "moodAnalyzer", false),
        new(PluginKind.MusicSource, "music-source", typeof(IMusicSource), "musicSources", true),
        new(PluginKind.Codec, "codec", typeof(IAudioCodec), "codec", false),
        new(PluginKind.Crypto, "crypto", typeof(ICryptoProvider), "crypto", false),
        new(PluginKind.ControlTransport, "control-transport", typeof(IControlTransport), "controlTransport", false),
        new(PluginKind.StreamTransport, "stream-transport", typeof(IStreamTransport), "streamTransport", false),
        new(PluginKind.Discovery, "discovery", typeof(IPeerDiscovery), "discovery", false),
        new(PluginKind.AudioOutput, "audio-output", typeof(IAudioOutput), "audioOutput", false),
        new(PluginKind.SoundMoodAnalyzer, "sound-mood-analyzer", typeof(ISoundMoodAnalyzer), "soundMoodAnalyzer", false),
    ];

    public static PluginKindInfo Of(PluginKind kind) =>
        All.FirstOrDefault(k => k.Kind == kind) ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown plugin kind.");

    /// <summary>The kind whose interface is <paramref name="serviceType"/>.</summary>
    public static PluginKindInfo ForService(Type serviceType) =>
        All.FirstOrDefault(k => k.ServiceType == serviceType)
        ?? throw new ArgumentException($"{serviceType.Name} is not a plugin kind's interface.", nameof(serviceType));
}

/// <summary>The spelling of each kind in plugin.json and mooddj.json ("mood-analyzer", …).</summary>
public static class PluginKindNames
{
    public static string ToName(this PluginKind kind) => PluginKinds.Of(kind).ManifestName;

    public static bool TryParse(string? name, out PluginKind kind)
    {
        var info = PluginKinds.All.FirstOrDefault(k => string.Equals(k.ManifestName, name, StringComparison.OrdinalIgnoreCase));
        kind = info?.Kind ?? default;
        return info is not null;
    }

    public static IEnumerable<string> All => PluginKinds.All.Select(k => k.ManifestName);
}
