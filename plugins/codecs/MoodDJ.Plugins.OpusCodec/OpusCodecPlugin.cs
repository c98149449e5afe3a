using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.OpusCodec;

/// <summary>Registers the "opus" codec. Settings (plugins:settings:opus): see <see cref="OpusSettings"/>.</summary>
public sealed class OpusCodecPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var path = PluginOptionsExtensions.SettingsPath(context);
        services.AddPluginOptions<OpusSettings>(context).ValidateSettings(s => s.Validate(path));
        services.AddCodec("opus", sp => new OpusCodec(sp.GetRequiredService<IOptions<OpusSettings>>().Value));
    }
}
