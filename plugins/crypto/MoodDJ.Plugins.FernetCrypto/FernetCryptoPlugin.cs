using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.FernetCrypto;

/// <summary>Registers the "fernet" crypto provider (the seed's scheme, compatible with Python's cryptography.fernet).</summary>
public sealed class FernetCryptoPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context) =>
        services.AddCrypto("fernet", sp => new FernetCryptoProvider(FernetOptions.FromConfiguration(context.Settings, sp.GetService<IConfiguration>())));
}
