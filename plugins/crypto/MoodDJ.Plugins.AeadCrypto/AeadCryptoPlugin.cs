using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.AeadCrypto;

/// <summary>Registers the "aead" crypto provider. The station key is checked when the provider is first created.</summary>
public sealed class AeadCryptoPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        services.AddCrypto("aead", sp => new AeadCryptoProvider(AeadOptions.FromConfiguration(context.Settings, sp.GetService<IConfiguration>())));
    }
}
