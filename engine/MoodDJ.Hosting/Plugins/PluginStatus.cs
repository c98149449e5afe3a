using MoodDJ.Abstractions.Plugins;
using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Plugins;

/// <summary>
/// One plugin folder as the engine sees it: identity from the manifest (or the folder name when the
/// manifest is unreadable), its state with the reason, and the implementations it added.
/// </summary>
public sealed record PluginStatus(
    string Id,
    string Version,
    IReadOnlyList<PluginKind> Kinds,
    PluginState State,
    string? Reason,
    string Folder,
    IReadOnlyList<PluginImplementation> Implementations)
{
    public string Description { get; init; } = "";

    internal static PluginStatus From(PluginManifest manifest, string folder, PluginState state, string? reason,
        IReadOnlyList<PluginImplementation>? implementations = null) =>
        new(manifest.Id, manifest.Version, manifest.Kinds, state, reason, folder, implementations ?? [])
        {
            Description = manifest.Description,
        };

    internal static PluginStatus Unreadable(string folder, string reason) =>
        new(Path.GetFileName(folder), "?", [], PluginState.Malfunctioned, reason, folder, []);
}
