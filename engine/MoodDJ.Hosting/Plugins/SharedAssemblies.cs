using System.Reflection;
using System.Runtime.Loader;
using MoodDJ.Abstractions.Plugins;
using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Plugins;

/// <summary>
/// The assemblies every plugin takes from the host instead of its own folder, so that a plugin's
/// IMoodAnalyzer is the host's IMoodAnalyzer: MoodDJ.Abstractions, the Microsoft.Extensions
/// abstractions it exposes, and everything those reference (the transitive closure; sharing an
/// assembly but not its dependencies would split types again).
/// </summary>
internal sealed class SharedAssemblies
{
    private static readonly string[] RootNames =
    [
        "Microsoft.Extensions.DependencyInjection.Abstractions",
        "Microsoft.Extensions.Configuration.Abstractions",
        "Microsoft.Extensions.Logging.Abstractions",
        "Microsoft.Extensions.Options",
        "Microsoft.Extensions.Primitives",
        "Microsoft.Extensions.FileProviders.Abstractions",
    ];

    private readonly HashSet<string> _names;

    private SharedAssemblies(HashSet<string> names) => _names = names;

    public IReadOnlyCollection<string> Names => _names;

    /// <summary>Computed once per process: it depends only on what the host ships.</summary>
    public static SharedAssemblies Default { get; } = Compute();

    public bool Contains(string assemblyName) => _names.Contains(assemblyName);

    private static SharedAssemblies Compute()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<Assembly>();
        pending.Push(typeof(IMoodDJPlugin).Assembly);
        foreach (var name in RootNames)
            if (TryLoadFromDefault(new AssemblyName(name)) is { } assembly)
                pending.Push(assembly);

        var frameworkDir = Path.GetDirectoryName(typeof(object).Assembly.Location) ?? "";
        while (pending.TryPop(out var assembly))
        {
            var name = assembly.GetName().Name;
            if (name is null || !names.Add(name)) continue;
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (reference.Name is null || names.Contains(reference.Name)) continue;
                var loaded = TryLoadFromDefault(reference);
                // Framework assemblies come from the default context anyway; no need to walk them.
                if (loaded is null || IsIn(loaded, frameworkDir)) continue;
                pending.Push(loaded);
            }
        }
        return new SharedAssemblies(names);
    }

    private static bool IsIn(Assembly assembly, string folder) =>
        folder.Length > 0 && assembly.Location.StartsWith(folder, StringComparison.Ordinal);

    private static Assembly? TryLoadFromDefault(AssemblyName name)
    {
        try
        {
            return AssemblyLoadContext.Default.LoadFromAssemblyName(name);
        }
        catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            return null;
        }
    }
}
