using System.Net;
using Microsoft.Extensions.Logging;
using MoodDJ.Abstractions.Discovery;
using MoodDJ.Abstractions.Plugins;
using MoodDJ.Hosting.Configuration;
using MoodDJ.Peers.Swarm;

namespace MoodDJ.Host.Console.Commands;

/// <summary>
/// `mooddj server`'s seeding of cached tracks (swarm:cacheFolder): a BEP 3 seeder on swarm:port and a
/// <see cref="TrackFolderShare"/> over the folder, announcing each track's info-hash through the discovery
/// plugin (use:discovery, else "tracker", as `mooddj peer` resolves it). The torrents name station:tracker.
/// </summary>
internal sealed class CachedTrackSeeding : IAsyncDisposable
{
    private readonly SwarmSeeder _seeder;
    private readonly TrackFolderShare _share;

    private CachedTrackSeeding(SwarmSeeder seeder, TrackFolderShare share, string folder) => (_seeder, _share, Folder) = (seeder, share, folder);

    public string Folder { get; }
    public int Port => _seeder.LocalEndPoint.Port;
    public int Tracks => _share.Torrents.Count;
    public long UploadedBytes => _seeder.Stats.UploadedBytes;

    /// <summary>A newly cached track is seeded (raised on the scan loop).</summary>
    public event Action<TorrentMetainfo>? TrackShared
    {
        add => _share.TrackShared += value;
        remove => _share.TrackShared -= value;
    }

    /// <summary>Starts seeding when swarm:cacheFolder is set; null otherwise.</summary>
    public static CachedTrackSeeding? Start(HostContext context, IPAddress bind, string? tracker, ILogger log)
    {
        var settings = SwarmShareSettings.From(context.Configuration);
        if (!settings.Enabled) return null;
        var folder = Path.GetFullPath(settings.CacheFolder);
        SwarmSeeder seeder;
        try { seeder = new SwarmSeeder(new IPEndPoint(bind, settings.Port)); }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new UserFacingException($"swarm:port {settings.Port}: cannot listen for BitTorrent peers ({e.Message}); pick another port or 0.");
        }
        seeder.Start();
        var share = new TrackFolderShare(folder, seeder, Discovery(context, log), settings.ToOptions(tracker is { Length: > 0 } ? [tracker] : []), log);
        share.Start();
        return new CachedTrackSeeding(seeder, share, folder);
    }

    private static IPeerDiscovery? Discovery(HostContext context, ILogger log)
    {
        var name = context.Engine.Use.NameFor(PluginKind.Discovery) ?? "tracker";
        try { return context.Engine.Get<IPeerDiscovery>(name); }
        catch (Exception e) when (e is ConfigurationException or InvalidOperationException)
        {
            log.LogWarning("No peer discovery ({Error}); cached tracks are seeded but announced nowhere.", e.Message);
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _seeder.DisposeAsync();
        await _share.DisposeAsync();
    }
}
