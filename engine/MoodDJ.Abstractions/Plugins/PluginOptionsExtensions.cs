using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MoodDJ.Abstractions.Settings;

namespace MoodDJ.Abstractions.Plugins;

/// <summary>
/// A plugin's settings through the options pattern: <c>plugins:settings:&lt;id&gt;</c> binds onto
/// <typeparamref name="TOptions"/> strictly (unknown keys and bad values fail with the key named),
/// and validation runs when the host composes the plugin, not at first use.
/// </summary>
public static class PluginOptionsExtensions
{
    public static OptionsBuilder<TOptions> AddPluginOptions<TOptions>(this IServiceCollection services, PluginContext context)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = SettingsPath(context);
        return services.AddOptions<TOptions>()
            .Configure(options => SettingsBinder.BindInto(options, context.Settings, path))
            .ValidateOnStart();
    }

    /// <summary>Adds a check that throws <see cref="SettingsException"/> (or returns false) for settings that cannot work.</summary>
    public static OptionsBuilder<TOptions> ValidateSettings<TOptions>(this OptionsBuilder<TOptions> builder, Action<TOptions> validate)
        where TOptions : class
        => builder.Validate(options => { validate(options); return true; });

    /// <summary>The full key of the plugin's settings, for messages: <c>plugins:settings:&lt;id&gt;</c>.</summary>
    public static string SettingsPath(PluginContext context) =>
        context.Settings is IConfigurationSection section ? section.Path : $"plugins:settings:{context.Id}";
}
