using System.Runtime.Loader;
using MoodDJ.Abstractions.Plugins;
using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Plugins;

/// <summary>A plugin whose entry type has been created in its own load context, ready to register.</summary>
public sealed class LoadedPlugin
{
    private readonly PluginLoadContext _context;

    internal LoadedPlugin(PluginManifest manifest, string folder, PluginLoadContext context, IMoodDJPlugin entry)
    {
        Manifest = manifest;
        Folder = folder;
        _context = context;
        Entry = entry;
    }

    public PluginManifest Manifest { get; }
    public string Folder { get; }
    public IMoodDJPlugin Entry { get; }
    public string EntryAssemblyPath => Path.Combine(Folder, Manifest.EntryAssembly);

    /// <summary>The plugin's load context (for diagnostics and unload checks).</summary>
    public AssemblyLoadContext LoadContext => _context;

    public bool IsUnloadable => _context.IsCollectible;

    /// <summary>
    /// Starts unloading a collectible context. It completes once nothing references the plugin's
    /// types or objects any more; the caller must drop its own references.
    /// </summary>
    public void Unload()
    {
        if (_context.IsCollectible)
            _context.Unload();
    }
}
