using MoodDJ.Abstractions.Plugins;
using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Composition;

/// <summary>Which plugin offers each (kind, name). Names are case-insensitive, like configuration keys.</summary>
public sealed class ImplementationCatalog
{
    private readonly Dictionary<(PluginKind, string), (string PluginId, PluginImplementation Implementation)> _byName = new();

    /// <summary>Adds <paramref name="registration"/>'s implementations, or returns the first one another plugin already offers (and adds nothing).</summary>
    public (PluginImplementation Implementation, string OtherPluginId)? TryAdd(PluginRegistration registration)
    {
        foreach (var implementation in registration.Implementations)
        {
            if (_byName.TryGetValue(Key(implementation.Kind, implementation.Name), out var existing))
                return (implementation, existing.PluginId);
        }
        foreach (var implementation in registration.Implementations)
            _byName[Key(implementation.Kind, implementation.Name)] = (registration.PluginId, implementation);
        return null;
    }

    public bool TryFind(PluginKind kind, string name, out string pluginId, out PluginImplementation implementation)
    {
        if (_byName.TryGetValue(Key(kind, name), out var found))
        {
            (pluginId, implementation) = found;
            return true;
        }
        (pluginId, implementation) = ("", null!);
        return false;
    }

    /// <summary>The names offered for <paramref name="kind"/>, sorted.</summary>
    public IReadOnlyList<string> Names(PluginKind kind) =>
        _byName.Values.Where(v => v.Implementation.Kind == kind).Select(v => v.Implementation.Name).Order(StringComparer.OrdinalIgnoreCase).ToArray();

    private static (PluginKind, string) Key(PluginKind kind, string name) => (kind, name.ToLowerInvariant());
}
