using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.TcpControl;

/// <summary>Registers the "tcp" control transport: length-prefixed frames over TCP. Settings: <see cref="TcpControlOptions"/>.</summary>
public sealed class TcpControlPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var path = PluginOptionsExtensions.SettingsPath(context);
        services.AddPluginOptions<TcpControlOptions>(context).ValidateSettings(o => o.Validate(path));
        services.AddControlTransport("tcp", sp => new TcpControlTransport(sp.GetRequiredService<IOptions<TcpControlOptions>>().Value));
    }
}
