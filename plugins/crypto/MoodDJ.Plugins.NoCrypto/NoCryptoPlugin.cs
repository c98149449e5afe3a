using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.NoCrypto;

/// <summary>Registers the "none" crypto provider (only used when mooddj.json names it).</summary>
public sealed class NoCryptoPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context) =>
        services.AddCrypto("none", _ => new NoCryptoProvider());
}
