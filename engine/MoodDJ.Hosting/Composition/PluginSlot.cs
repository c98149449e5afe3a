using MoodDJ.Hosting.Plugins;
using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Composition;

/// <summary>One folder in the plugin folder and what became of it: loaded and registered, or why not.</summary>
internal sealed class PluginSlot
{
    public required string Folder { get; init; }
    public PluginManifest? Manifest { get; init; }
    public PluginState State { get; private init; }
    public PluginLoadException? Failure { get; private init; }
    public LoadedPlugin? Loaded { get; init; }
    public PluginRegistration? Registration { get; init; }

    public string Id => Manifest?.Id ?? Path.GetFileName(Folder);

    public static PluginSlot Active(PluginManifest manifest, string folder, LoadedPlugin loaded, PluginRegistration registration) =>
        new() { Folder = folder, Manifest = manifest, Loaded = loaded, Registration = registration, State = PluginState.Active };

    public static PluginSlot Inactive(string folder, PluginManifest? manifest, PluginState state, PluginLoadException? failure) =>
        new() { Folder = folder, Manifest = manifest, State = state, Failure = failure };

    /// <summary>This active plugin, kept out of the composition (it clashes with another); it stays loaded so a later composition can take it back.</summary>
    public PluginSlot Rejected(PluginLoadException failure) =>
        new() { Folder = Folder, Manifest = Manifest, Loaded = Loaded, Registration = Registration, State = PluginState.Malfunctioned, Failure = failure };

    /// <summary>A rejected slot made active again for a new composition (the rival may be gone).</summary>
    public PluginSlot Retried() =>
        State == PluginState.Malfunctioned && Loaded is not null && Registration is not null
            ? Active(Manifest!, Folder, Loaded, Registration)
            : this;

    public PluginStatus ToStatus() => Manifest is null
        ? PluginStatus.Unreadable(Folder, Failure?.Problem ?? "unreadable")
        : PluginStatus.From(Manifest, Folder, State, Reason(), State == PluginState.Active ? Registration?.Implementations : null);

    private string? Reason() => State switch
    {
        PluginState.Active => null,
        PluginState.Disabled => "listed in plugins:disabled",
        _ => Failure is null ? null : $"{Failure.Problem}. {Failure.Fix}",
    };
}
