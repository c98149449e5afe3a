using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.TcpControl;

/// <summary>Registers the "tcp" control transport: length-prefixed frames over TCP.</summary>
public sealed class TcpControlPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var options = new TcpControlOptions();
        var backlog = context.Settings["backlog"];
        if (backlog is not null)
        {
            if (!int.TryParse(backlog, out var value) || value < 1)
                throw new ArgumentException($"plugins:settings:{context.Id}:backlog must be a positive integer (got '{backlog}').");
            options = options with { Backlog = value };
        }
        services.AddControlTransport("tcp", _ => new TcpControlTransport(options));
    }
}
