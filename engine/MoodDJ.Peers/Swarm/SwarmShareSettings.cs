using Microsoft.Extensions.Configuration;
using MoodDJ.Abstractions.Settings;

namespace MoodDJ.Peers.Swarm;

/// <summary>
/// The <c>swarm</c> section of mooddj.json: which folder of cached tracks `mooddj server` seeds over
/// BitTorrent (docs/configuration.md, "swarm"). Each property is a key (camelCase).
/// </summary>
public sealed class SwarmShareSettings
{
    /// <summary>The folder to seed (normally the youtube source's <c>cacheFolder</c>); empty: seed nothing.</summary>
    public string CacheFolder { get; set; } = "";
    /// <summary>TCP port the seeder listens on (BEP 3); 0 picks a free one.</summary>
    public int Port { get; set; } = 6881;
    /// <summary>Piece size of the torrents written, in KiB (a power of two, 16..16384).</summary>
    public int PieceKib { get; set; } = TorrentMetainfo.DefaultPieceLength / 1024;
    /// <summary>How often the folder is looked at for new tracks.</summary>
    public int ScanSeconds { get; set; } = 5;
    /// <summary>Tracks seeded at most (each holds an open file).</summary>
    public int MaxTracks { get; set; } = 1000;

    public bool Enabled => !string.IsNullOrWhiteSpace(CacheFolder);

    public static SwarmShareSettings From(IConfiguration configuration)
    {
        var settings = SettingsBinder.Bind<SwarmShareSettings>(configuration.GetSection("swarm"), "swarm");
        SettingsRules.Range("swarm", "port", settings.Port, 0, 65535);
        SettingsRules.Range("swarm", "pieceKib", settings.PieceKib, 16, 16384);
        if (!int.IsPow2(settings.PieceKib)) throw SettingsRules.Invalid("swarm", "pieceKib", $"is {settings.PieceKib}, not a power of two");
        SettingsRules.Range("swarm", "scanSeconds", settings.ScanSeconds, 1, 3600);
        SettingsRules.Range("swarm", "maxTracks", settings.MaxTracks, 1, 100_000);
        return settings;
    }

    public TrackShareOptions ToOptions(IReadOnlyList<string> trackers) => new()
    {
        Trackers = trackers, PieceLength = PieceKib * 1024, ScanInterval = TimeSpan.FromSeconds(ScanSeconds), MaxTracks = MaxTracks,
    };
}
