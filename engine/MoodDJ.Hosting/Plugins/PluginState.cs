using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Plugins;

/// <summary>Where a plugin found in the plugin folder ended up.</summary>
public enum PluginState
{
    /// <summary>Loaded and registered; its implementations can be used.</summary>
    Active,

    /// <summary>Listed in <c>plugins:disabled</c>; not loaded.</summary>
    Disabled,

    /// <summary>Built against contract versions this engine does not support; not loaded.</summary>
    NotSupported,

    /// <summary>Could not be loaded or registered (bad manifest, missing entry type, an exception, …).</summary>
    Malfunctioned,
}
