using Microsoft.Extensions.Configuration;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Hosting.Configuration;

/// <summary>
/// The <c>use</c> section: which implementation (by name) serves each kind. Its keys come from
/// <see cref="PluginKinds"/>. An empty value leaves a kind unselected (for hosts that never need it);
/// asking the engine for it then fails clearly.
/// </summary>
public sealed record UseOptions
{
    public const string Section = "use";

    private readonly IReadOnlyDictionary<PluginKind, IReadOnlyList<string>> _names;

    private UseOptions(IReadOnlyDictionary<PluginKind, IReadOnlyList<string>> names) => _names = names;

    /// <summary>The names chosen for <paramref name="kind"/>, in order (at most one unless the kind allows several).</summary>
    public IReadOnlyList<string> NamesFor(PluginKind kind) => _names.TryGetValue(kind, out var names) ? names : [];

    /// <summary>The one name chosen for <paramref name="kind"/>, or null.</summary>
    public string? NameFor(PluginKind kind) => NamesFor(kind) is [var first, ..] ? first : null;

    public string? MoodAnalyzer => NameFor(PluginKind.MoodAnalyzer);
    public IReadOnlyList<string> MusicSources => NamesFor(PluginKind.MusicSource);
    public string? AudioOutput => NameFor(PluginKind.AudioOutput);

    /// <summary>Every (key, kind, name) this selection needs, in the table's order, for validation.</summary>
    public IEnumerable<UseChoice> Choices() =>
        PluginKinds.All.SelectMany(info => NamesFor(info.Kind).Select(name => new UseChoice(KeyOf(info.Kind), info.Kind, name)));

    /// <summary>The configuration key that chooses <paramref name="kind"/>, e.g. <c>use:codec</c>.</summary>
    public static string KeyOf(PluginKind kind) => $"{Section}:{PluginKinds.Of(kind).UseKey}";

    /// <summary>The keys of the section, as written in mooddj.json.</summary>
    public static IReadOnlyList<string> Keys { get; } = PluginKinds.All.Select(k => k.UseKey).ToArray();

    public static UseOptions Read(IConfiguration configuration)
    {
        var reader = new ConfigurationReader(configuration);
        reader.RejectUnknownKeys(Section, Keys);
        var names = new Dictionary<PluginKind, IReadOnlyList<string>>();
        foreach (var info in PluginKinds.All)
        {
            var key = $"{Section}:{info.UseKey}";
            if (info.ManyInUse)
                names[info.Kind] = reader.GetStringList(key);
            else if (reader.GetString(key) is { } value && value.Trim().Length > 0)
                names[info.Kind] = [value.Trim()];
        }
        return new UseOptions(names);
    }
}

/// <summary>One name the configuration selects: the key it was written under, its kind and the implementation name.</summary>
public sealed record UseChoice(string Key, PluginKind Kind, string Name);
