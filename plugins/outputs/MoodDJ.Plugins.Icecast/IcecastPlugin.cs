using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.Icecast;

/// <summary>Registers the "icecast" output. Settings (plugins:settings:icecast): <see cref="IcecastSettings"/>.</summary>
public sealed class IcecastPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var path = PluginOptionsExtensions.SettingsPath(context);
        services.AddPluginOptions<IcecastSettings>(context).ValidateSettings(s => s.Validate(path));
        services.AddAudioOutput("icecast", sp => new IcecastAudioOutput(
            sp.GetRequiredService<IOptions<IcecastSettings>>().Value,
            sp.GetService<ILoggerFactory>()?.CreateLogger<IcecastAudioOutput>()));
    }
}
