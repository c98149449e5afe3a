using System.Reflection;
using MoodDJ.Abstractions.Plugins;
using Mcm = McMaster.NETCore.Plugins;

namespace MoodDJ.Hosting.Plugins;

/// <summary>
/// Loads one plugin folder: reads its manifest, checks the contract version, creates its load
/// context, loads the entry assembly and creates the one type implementing <see cref="IMoodDJPlugin"/>.
/// Every failure is a <see cref="PluginLoadException"/> naming the plugin, the file and the fix.
/// The load context is McMaster.NETCore.Plugins': shared assemblies from the host, the rest from the
/// plugin's deps.json, satellites, and unloading. Assemblies are always read into memory so a plugin's
/// files can be replaced while it runs; <see cref="NativeLibraryProbe"/> covers native libraries
/// that McMaster does not find; <see cref="PluginFolderWatcher"/> drives hot reload.
/// </summary>
public sealed class PluginLoader(bool hotReload = false)
{
    /// <summary>Whether plugins are loaded unloadable and from memory (hot reload).</summary>
    public bool HotReload { get; } = hotReload;

    public static PluginManifest ReadManifest(string folder) =>
        PluginManifest.Read(Path.Combine(folder, PluginManifest.FileName));

    /// <summary>Loads the plugin in <paramref name="folder"/> (an absolute path).</summary>
    public LoadedPlugin Load(string folder) => Load(ReadManifest(folder), folder);

    public LoadedPlugin Load(PluginManifest manifest, string folder)
    {
        if (!Path.IsPathRooted(folder))
            throw new ArgumentException($"A plugin folder must be an absolute path, not '{folder}'.", nameof(folder));

        var manifestPath = Path.Combine(folder, PluginManifest.FileName);
        if (!manifest.Supports(ContractVersion.Current))
            throw new PluginLoadException(manifest.Id, manifestPath,
                $"built for contract version(s) {string.Join(", ", manifest.ContractVersions)}, but this MoodDJ supports {ContractVersion.Current}",
                "Install a version of the plugin built against this MoodDJ, or rebuild it");

        var entryPath = Path.Combine(folder, manifest.EntryAssembly);
        if (!File.Exists(entryPath))
            throw new PluginLoadException(manifest.Id, entryPath, "the entry assembly named in plugin.json is missing",
                "Copy the plugin's whole build output into its folder, or fix \"entryAssembly\" in plugin.json");

        Mcm.PluginLoader? loader = null;
        try
        {
            loader = Mcm.PluginLoader.CreateFromAssemblyFile(entryPath, config =>
            {
                foreach (var name in SharedAssemblies.Default.Names)
                    config.SharedAssemblies.Add(new AssemblyName(name));
                config.IsUnloadable = HotReload;
                config.LoadInMemory = true;
                // PreferSharedTypes stays off: a plugin's private copy of a library the host also has wins.
                // EnableHotReload stays off: it only watches *.dll writes; PluginFolderWatcher does more.
            });
            NativeLibraryProbe.Attach(loader.LoadContext, folder, HotReload ? new NativeShadowCopies(manifest.Id) : null);
            var entry = CreateEntry(manifest, entryPath, loader);
            return new LoadedPlugin(manifest, folder, loader, entry);
        }
        catch (Exception ex)
        {
            loader?.Dispose();
            if (ex is PluginLoadException) throw;
            // A malformed deps.json, an unreadable file, a clash inside the context: still one clear line.
            throw new PluginLoadException(manifest.Id, entryPath, $"loading failed with {ex.GetType().Name}: {ex.Message}",
                "Rebuild the plugin and copy its whole build output (DLLs and .deps.json) into its folder", ex);
        }
    }

    private static IMoodDJPlugin CreateEntry(PluginManifest manifest, string entryPath, Mcm.PluginLoader loader)
    {
        Assembly assembly;
        try
        {
            assembly = loader.LoadDefaultAssembly();
        }
        catch (BadImageFormatException ex)
        {
            throw new PluginLoadException(manifest.Id, entryPath, "the entry assembly is not a .NET assembly",
                "Point \"entryAssembly\" in plugin.json at the plugin's own DLL", ex);
        }

        var type = FindEntryType(manifest, entryPath, assembly);
        try
        {
            return (IMoodDJPlugin)Activator.CreateInstance(type)!;
        }
        catch (Exception ex)
        {
            var cause = ex is TargetInvocationException { InnerException: { } inner } ? inner : ex;
            throw new PluginLoadException(manifest.Id, entryPath,
                $"creating {type.FullName} threw {cause.GetType().Name}: {cause.Message}",
                "Fix the plugin's constructor (it needs a public parameterless one that does not throw)", cause);
        }
    }

    private static Type FindEntryType(PluginManifest manifest, string entryPath, Assembly assembly)
    {
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            var first = ex.LoaderExceptions.FirstOrDefault(e => e is not null);
            throw new PluginLoadException(manifest.Id, entryPath,
                $"its types cannot be loaded ({first?.Message ?? ex.Message})",
                "Copy the plugin's whole build output (with its dependencies and .deps.json) into its folder", ex);
        }

        var candidates = types.Where(t => t is { IsClass: true, IsAbstract: false, IsPublic: true } && typeof(IMoodDJPlugin).IsAssignableFrom(t)).ToArray();
        if (candidates.Length == 1)
        {
            if (candidates[0].GetConstructor(Type.EmptyTypes) is null)
                throw new PluginLoadException(manifest.Id, entryPath, $"{candidates[0].FullName} has no public parameterless constructor",
                    "Give the entry class a public parameterless constructor; read settings in Register instead");
            return candidates[0];
        }
        if (candidates.Length > 1)
            throw new PluginLoadException(manifest.Id, entryPath,
                $"it has {candidates.Length} entry types ({string.Join(", ", candidates.Select(c => c.Name))})",
                "Keep exactly one public class implementing IMoodDJPlugin");

        throw new PluginLoadException(manifest.Id, entryPath, "no public class implements IMoodDJPlugin",
            "Add one entry class implementing MoodDJ.Abstractions.Plugins.IMoodDJPlugin, or fix \"entryAssembly\" in plugin.json");
    }
}
