using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Composition;

/// <summary>
/// Remembers the singletons one plugin's registrations created in one composition, so a hot reload
/// can dispose exactly that plugin's objects and leave the others' (which may be in use) alone.
/// </summary>
internal sealed class PluginInstances
{
    private readonly List<object> _created = [];
    private readonly Lock _gate = new();

    /// <summary>The descriptor, with its singleton's creation recorded here. Other lifetimes and ready-made instances pass through.</summary>
    public ServiceDescriptor Track(ServiceDescriptor descriptor)
    {
        if (descriptor.Lifetime != ServiceLifetime.Singleton || descriptor.ServiceType.IsGenericTypeDefinition)
            return descriptor;

        if (descriptor.IsKeyedService)
        {
            if (descriptor.KeyedImplementationInstance is not null) return descriptor;
            var keyedFactory = descriptor.KeyedImplementationFactory;
            var keyedType = descriptor.KeyedImplementationType;
            return ServiceDescriptor.KeyedSingleton(descriptor.ServiceType, descriptor.ServiceKey,
                (sp, key) => Record(keyedFactory is not null ? keyedFactory(sp, key) : ActivatorUtilities.CreateInstance(sp, keyedType!)));
        }

        if (descriptor.ImplementationInstance is not null) return descriptor;
        var factory = descriptor.ImplementationFactory;
        var type = descriptor.ImplementationType;
        return ServiceDescriptor.Singleton(descriptor.ServiceType,
            sp => Record(factory is not null ? factory(sp) : ActivatorUtilities.CreateInstance(sp, type!)));
    }

    /// <summary>Disposes what was created, newest first (the container that created them is dropped, not disposed).</summary>
    public async ValueTask DisposeAllAsync()
    {
        object[] created;
        lock (_gate)
        {
            created = [.. _created];
            _created.Clear();
        }
        for (var i = created.Length - 1; i >= 0; i--)
        {
            if (created[i] is IAsyncDisposable asyncDisposable)
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            else if (created[i] is IDisposable disposable)
                disposable.Dispose();
        }
    }

    private object Record(object instance)
    {
        lock (_gate) _created.Add(instance);
        return instance;
    }
}
