using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Plugins;

/// <summary>
/// One plugin's assembly load context. Shared assemblies come from the host (types unify); everything
/// else resolves from the plugin's own folder through its deps.json, so two plugins can carry
/// different versions of one dependency. With hot reload the context is collectible, assemblies are
/// read from memory (the files stay free to overwrite) and native libraries are loaded from shadow copies.
/// </summary>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    private readonly string _folder;
    private readonly AssemblyDependencyResolver _resolver;
    private readonly SharedAssemblies _shared;
    private readonly NativeShadowCopies? _shadowCopies;

    public PluginLoadContext(string pluginId, string entryAssemblyPath, SharedAssemblies shared, bool hotReload)
        : base($"MoodDJ plugin '{pluginId}'", isCollectible: hotReload)
    {
        _folder = Path.GetDirectoryName(entryAssemblyPath)!;
        _resolver = new AssemblyDependencyResolver(entryAssemblyPath);
        _shared = shared;
        InMemory = hotReload;
        if (hotReload)
        {
            _shadowCopies = new NativeShadowCopies(pluginId);
            Unloading += _ => _shadowCopies.Delete();
        }
    }

    /// <summary>Assemblies are read into memory rather than mapped from their files.</summary>
    public bool InMemory { get; }

    public Assembly LoadPluginAssembly(string path)
    {
        if (!InMemory)
            return LoadFromAssemblyPath(path);

        // Read the whole file first: a file being replaced can be read half-written, and the stream
        // must not keep the file open.
        using var assembly = new MemoryStream(ReadShared(path));
        var pdbPath = Path.ChangeExtension(path, ".pdb");
        if (!File.Exists(pdbPath))
            return LoadFromStream(assembly);
        using var pdb = new MemoryStream(ReadShared(pdbPath));
        return LoadFromStream(assembly, pdb);
    }

    protected override Assembly? Load(AssemblyName name)
    {
        if (name.Name is null) return null;

        if (_shared.Contains(name.Name))
        {
            try
            {
                return Default.LoadFromAssemblyName(name);
            }
            catch (FileNotFoundException)
            {
                // The host does not have it after all: fall through to the plugin's copy.
            }
        }

        var path = _resolver.ResolveAssemblyToPath(name) ?? Probe(name);
        // Null lets the runtime fall back to the default context (framework assemblies).
        return path is null ? null : LoadPluginAssembly(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) ?? ProbeNative(unmanagedDllName);
        if (path is null)
            return IntPtr.Zero; // System libraries (libopus.so.0, libasound.so.2) resolve the normal way.
        return LoadUnmanagedDllFromPath(_shadowCopies?.CopyOf(path) ?? path);
    }

    private string? Probe(AssemblyName name)
    {
        if (!string.IsNullOrEmpty(name.CultureName))
        {
            var satellite = Path.Combine(_folder, name.CultureName, name.Name + ".dll");
            if (File.Exists(satellite)) return satellite;
        }
        var local = Path.Combine(_folder, name.Name + ".dll");
        return File.Exists(local) ? local : null;
    }

    private string? ProbeNative(string name)
    {
        foreach (var candidate in NativeFileNames(name))
        {
            foreach (var folder in NativeFolders())
            {
                var path = Path.Combine(folder, candidate);
                if (File.Exists(path)) return path;
            }
        }
        return null;
    }

    private IEnumerable<string> NativeFolders()
    {
        yield return _folder;
        yield return Path.Combine(_folder, "runtimes", RuntimeInformation.RuntimeIdentifier, "native");
    }

    private static IEnumerable<string> NativeFileNames(string name)
    {
        yield return name;
        var (prefix, suffix) = OperatingSystem.IsWindows() ? ("", ".dll") : OperatingSystem.IsMacOS() ? ("lib", ".dylib") : ("lib", ".so");
        if (!name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            yield return name + suffix;
        if (prefix.Length > 0 && !name.StartsWith(prefix, StringComparison.Ordinal))
        {
            yield return prefix + name;
            yield return prefix + name + suffix;
        }
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
