using System.Runtime.Loader;
using MoodDJ.Abstractions.Plugins;
using Mcm = McMaster.NETCore.Plugins;

namespace MoodDJ.Hosting.Plugins;

/// <summary>A plugin whose entry type has been created in its own load context, ready to register.</summary>
public sealed class LoadedPlugin
{
    private readonly Mcm.PluginLoader _loader;

    internal LoadedPlugin(PluginManifest manifest, string folder, Mcm.PluginLoader loader, IMoodDJPlugin entry)
    {
        Manifest = manifest;
        Folder = folder;
        _loader = loader;
        Entry = entry;
    }

    public PluginManifest Manifest { get; }
    public string Folder { get; }
    public IMoodDJPlugin Entry { get; }
    public string EntryAssemblyPath => Path.Combine(Folder, Manifest.EntryAssembly);

    /// <summary>The plugin's load context (for diagnostics and unload checks); McMaster names it after the entry DLL.</summary>
    public AssemblyLoadContext LoadContext => _loader.LoadContext;

    public bool IsUnloadable => _loader.IsUnloadable;

    /// <summary>
    /// Starts unloading a collectible context. It completes once nothing references the plugin's
    /// types or objects any more; the caller must drop its own references.
    /// </summary>
    public void Unload()
    {
        if (_loader.IsUnloadable)
            _loader.Dispose();
    }
}
