using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.FernetCrypto;

/// <summary>Registers the "fernet" crypto provider (seed-compatible). Settings (plugins:settings:fernet): <see cref="FernetSettings"/>.</summary>
public sealed class FernetCryptoPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var path = PluginOptionsExtensions.SettingsPath(context);
        services.AddPluginOptions<FernetSettings>(context).ValidateSettings(s => s.Validate(path));
        services.AddCrypto("fernet", sp => new FernetCryptoProvider(FernetOptions.From(sp.GetRequiredService<IOptions<FernetSettings>>().Value, sp.GetService<IConfiguration>())));
    }
}
