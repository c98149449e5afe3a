using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.LocalLibrary;

/// <summary>Registers the "local" music source. Settings (plugins:settings:local): see <see cref="LocalLibraryOptions"/>.</summary>
public sealed class LocalLibraryPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var path = PluginOptionsExtensions.SettingsPath(context);
        // Settings that are given are checked at start; with none at all the plugin is merely installed,
        // and selecting it without a folder fails when the source is created, naming the setting.
        var configured = context.Settings.GetChildren().Any();
        services.AddPluginOptions<LocalLibraryOptions>(context).ValidateSettings(o => { if (configured) o.Validate(path); });
        services.AddMusicSource(LocalMusicSource.SourceName, sp =>
        {
            var options = sp.GetRequiredService<IOptions<LocalLibraryOptions>>().Value;
            options.Validate(path);
            return new LocalMusicSource(options, sp.GetService<ILoggerFactory>()?.CreateLogger<LocalMusicSource>());
        });
    }
}
