using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MoodDJ.Abstractions.Plugins;
using MoodDJ.Hosting.Plugins;
using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Composition;

/// <summary>
/// One immutable snapshot of the composed engine: the plugin slots, the catalog of implementations
/// and the service provider built from the host's services plus every active plugin's registrations.
/// A hot reload builds a new snapshot and swaps it in.
/// </summary>
internal sealed class EngineComposition : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly IReadOnlyDictionary<string, PluginInstances> _instancesByFolder;

    private EngineComposition(IReadOnlyList<PluginSlot> slots, ImplementationCatalog catalog, ServiceProvider provider,
        IReadOnlyDictionary<string, PluginInstances> instancesByFolder)
    {
        Slots = slots;
        Catalog = catalog;
        _provider = provider;
        _instancesByFolder = instancesByFolder;
        Statuses = slots.Select(s => s.ToStatus()).ToArray();
    }

    public IReadOnlyList<PluginSlot> Slots { get; }
    public ImplementationCatalog Catalog { get; }
    public IServiceProvider Services => _provider;
    public IReadOnlyList<PluginStatus> Statuses { get; }

    /// <summary>
    /// Composes the active slots in order. A plugin with an id an earlier plugin has, or offering a
    /// (kind, name) an earlier plugin already offers, is rejected (marked malfunctioned) rather than
    /// silently shadowing it.
    /// </summary>
    /// <param name="report">Log each plugin rejected for a clash at once (the engine's first build reports them after checking <c>use</c>).</param>
    public static EngineComposition Build(IReadOnlyList<PluginSlot> slots, IConfiguration configuration, ILoggerFactory loggerFactory, bool report = true)
    {
        var catalog = new ImplementationCatalog();
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddSingleton(loggerFactory);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));

        var composed = new List<PluginSlot>(slots.Count);
        var folderById = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var instancesByFolder = new Dictionary<string, PluginInstances>();
        foreach (var candidate in slots)
        {
            var slot = candidate.Retried();
            if (slot.State == PluginState.Active && !folderById.TryAdd(slot.Id, slot.Folder))
            {
                slot = slot.Rejected(new PluginLoadException(slot.Id, Path.Combine(slot.Folder, PluginManifest.FileName),
                    $"its id is already used by the plugin in {folderById[slot.Id]}",
                    "Remove one of the two folders; each plugin needs its own id"));
                if (report) loggerFactory.CreateLogger<EngineComposition>().LogWarning("{Message}", slot.Failure!.Message);
            }
            else if (slot.State == PluginState.Active && catalog.TryAdd(slot.Registration!) is { } clash)
            {
                slot = slot.Rejected(new PluginLoadException(slot.Id, slot.Loaded!.EntryAssemblyPath,
                    $"it offers {clash.Implementation.Kind.ToName()} '{clash.Implementation.Name}', which plugin '{clash.OtherPluginId}' already offers",
                    "Remove one of the two plugin folders or list one in plugins:disabled"));
                if (report) loggerFactory.CreateLogger<EngineComposition>().LogWarning("{Message}", slot.Failure!.Message);
            }
            else if (slot.State == PluginState.Active)
            {
                var instances = instancesByFolder[slot.Folder] = new PluginInstances();
                foreach (var descriptor in slot.Registration!.Services)
                    ((ICollection<ServiceDescriptor>)services).Add(instances.Track(descriptor));
            }
            composed.Add(slot);
        }

        return new EngineComposition(composed, catalog, services.BuildServiceProvider(), instancesByFolder);
    }

    /// <summary>
    /// After a hot reload replaced this snapshot: disposes only the objects the reloaded plugin's
    /// registrations created here. Other plugins' objects may still be in use by whoever fetched them,
    /// so this snapshot's container is dropped, not disposed.
    /// </summary>
    public ValueTask ReleasePluginAsync(string folder) =>
        _instancesByFolder.TryGetValue(folder, out var instances) ? instances.DisposeAllAsync() : ValueTask.CompletedTask;

    /// <summary>Disposes the container and every singleton it created (engine shutdown).</summary>
    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
