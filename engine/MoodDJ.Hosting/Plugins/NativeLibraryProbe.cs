using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace MoodDJ.Hosting.Plugins;

/// <summary>
/// Finds a plugin's native library by the bare name its [LibraryImport] uses, in the plugin's folder
/// and its runtimes/&lt;rid&gt;/native folder. McMaster.NETCore.Plugins resolves only native libraries
/// listed in the plugin's deps.json, and an in-memory context does not probe the folder at all, so
/// this fallback keeps a plain libfoo.so beside the DLL working, per plugin (docs/plugins.md).
/// </summary>
internal static class NativeLibraryProbe
{
    /// <summary>Resolves the plugin's unresolved native names from its folder (through shadow copies when given).</summary>
    public static void Attach(AssemblyLoadContext context, string folder, NativeShadowCopies? shadowCopies)
    {
        context.ResolvingUnmanagedDll += (_, name) =>
            Find(folder, name) is { } path ? NativeLibrary.Load(shadowCopies?.CopyOf(path) ?? path) : IntPtr.Zero;
        if (shadowCopies is not null)
            context.Unloading += _ => shadowCopies.Delete();
    }

    public static string? Find(string folder, string name)
    {
        foreach (var candidate in FileNames(name))
        {
            foreach (var place in new[] { folder, Path.Combine(folder, "runtimes", RuntimeInformation.RuntimeIdentifier, "native") })
            {
                var path = Path.Combine(place, candidate);
                if (File.Exists(path)) return path;
            }
        }
        return null;
    }

    private static IEnumerable<string> FileNames(string name)
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
}
