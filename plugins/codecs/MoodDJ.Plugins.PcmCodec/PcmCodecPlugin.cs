using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.PcmCodec;

/// <summary>Registers the "pcm" codec (L16, RFC 3551). It has no settings.</summary>
public sealed class PcmCodecPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
        => services.AddCodec("pcm", _ => new L16Codec());
}
