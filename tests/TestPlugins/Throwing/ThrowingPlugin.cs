using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.TestPlugins.Throwing;

public sealed class ThrowingPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context) =>
        throw new InvalidOperationException("setting 'apiKey' is required");
}
