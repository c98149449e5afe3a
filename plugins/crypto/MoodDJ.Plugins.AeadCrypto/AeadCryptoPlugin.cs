using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.AeadCrypto;

/// <summary>Registers the "aead" crypto provider. Settings (plugins:settings:aead): <see cref="AeadSettings"/>.</summary>
public sealed class AeadCryptoPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var path = PluginOptionsExtensions.SettingsPath(context);
        services.AddPluginOptions<AeadSettings>(context).ValidateSettings(s => s.Validate(path));
        services.AddCrypto("aead", sp => new AeadCryptoProvider(AeadOptions.From(sp.GetRequiredService<IOptions<AeadSettings>>().Value, sp.GetService<IConfiguration>())));
    }
}
