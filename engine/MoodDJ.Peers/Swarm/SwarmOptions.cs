namespace MoodDJ.Peers.Swarm;

/// <summary>Limits and timings of the swarm (BEP 3). Every one is explicit so tests can tighten them.</summary>
public sealed class SwarmOptions
{
    /// <summary>Block size requested from peers; 16 KiB is what every client expects.</summary>
    public int BlockSize { get; set; } = 16 * 1024;
    /// <summary>Largest wire message accepted (a 128 KiB block plus its header; bigger bitfields mean a torrent we refuse anyway).</summary>
    public int MaxMessageBytes { get; set; } = 128 * 1024 + 16;
    /// <summary>Outstanding block requests per peer (pipelining hides the round trip).</summary>
    public int RequestsPerPeer { get; set; } = 16;
    public int MaxPeers { get; set; } = 30;
    /// <summary>Peers a seeder serves at once (the others stay choked).</summary>
    public int UploadSlots { get; set; } = 8;
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>A peer that leaves a requested block unanswered this long is dropped (it announced what it does not have, or stalled).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>How long before a dropped peer address is tried again; a peer that served a bad piece is never tried again.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);
}
