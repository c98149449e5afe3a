using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using MoodDJ.Client;
using MoodDJ.Peers.Mesh;

namespace MoodDJ.Host.Console.Commands;

/// <summary>`mooddj peer`: `mooddj player` that also relays the station's signed stream to other peers.</summary>
internal sealed class PeerCommand : ICliCommand
{
    public Command Create(GlobalOptions globals) => new PlayerCommand(relay: true).Create(globals);
}

/// <summary>The <c>peer</c> section of mooddj.json and the relay `mooddj peer` runs with it (a <see cref="MeshPeerLink"/>, as the web host's P2P stream).</summary>
internal static class PeerSettings
{
    public static MeshPeerLink CreateRelay(HostContext context, StationControlClient control, int? maxChildren, int? parents, MeshDiscovery? discovery = null)
    {
        var configuration = context.Configuration;
        var options = new MeshPeerOptions
        {
            MaxChildren = maxChildren ?? Read(configuration, "peer:maxChildren", 4),
            Parents = parents ?? Read(configuration, "peer:parents", 1),
            ParentSilence = TimeSpan.FromMilliseconds(Read(configuration, "peer:parentSilenceMs", 250)),
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UserFacingException(e.Message);
        }
        // The station's candidates first (it also has them probe this peer through their NATs), then the swarm's.
        var link = new MeshPeerLink(control, options, context.Verbose ? context.LoggerFactory.CreateLogger<MeshRelay>() : null, discovery is null ? null : discovery.AddTo);
        if (discovery is not null) link.Relay.Joined = discovery.OnJoined;
        return link;
    }

    private static int Read(IConfiguration configuration, string key, int fallback)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        return int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value : throw new UserFacingException($"{key} must be a whole number, not '{text}'.");
    }
}
