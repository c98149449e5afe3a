using System.Net;

namespace MoodDJ.Peers.Tracker;

/// <summary>What `mooddj tracker` and tests configure on <see cref="UdpTrackerServer"/>. Every limit is explicit.</summary>
public sealed record UdpTrackerServerOptions
{
    public const int DefaultPort = 5700;

    /// <summary>All interfaces by default: a tracker is there for other machines on the LAN.</summary>
    public IPEndPoint EndPoint { get; init; } = new(IPAddress.Any, DefaultPort);

    /// <summary>The re-announce interval told to peers.</summary>
    public TimeSpan AnnounceInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A peer that has not announced for this long is dropped (a few missed intervals).</summary>
    public TimeSpan PeerExpiry { get; init; } = TimeSpan.FromSeconds(180);

    /// <summary>Connection ids are valid for one to two of these (BEP 15 lets a client use one for a minute).</summary>
    public TimeSpan ConnectionIdSlice { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The address listed for peers that announce from loopback (they run on the tracker's machine), so
    /// peers on other machines can reach them; null lists them as 127.0.0.1. Only a local process can send
    /// from loopback, so this cannot be used to register a stranger.
    /// </summary>
    public IPAddress? LoopbackPeersAs { get; init; }

    public int MaxSwarms { get; init; } = 10_000;

    public int MaxPeersPerSwarm { get; init; } = 1_000;

    /// <summary>The most peers one announce reply lists (a numwant of -1 means this many).</summary>
    public int MaxNumWant { get; init; } = 50;

    /// <summary>Longest request accepted; a 74-hash scrape is 1496 bytes. Longer datagrams are counted as oversized and dropped.</summary>
    public int MaxRequestBytes { get; init; } = 1500;

    public void Validate()
    {
        if (AnnounceInterval < TimeSpan.FromMilliseconds(100) || AnnounceInterval.TotalSeconds > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(AnnounceInterval), AnnounceInterval, "announce interval must be at least 100 ms");
        if (PeerExpiry < AnnounceInterval)
            throw new ArgumentOutOfRangeException(nameof(PeerExpiry), PeerExpiry, "peer expiry must be at least the announce interval");
        if (LoopbackPeersAs is { AddressFamily: not System.Net.Sockets.AddressFamily.InterNetwork })
            throw new ArgumentOutOfRangeException(nameof(LoopbackPeersAs), LoopbackPeersAs, "must be an IPv4 address");
        if (MaxSwarms < 1) throw new ArgumentOutOfRangeException(nameof(MaxSwarms), MaxSwarms, "must be at least 1");
        if (MaxPeersPerSwarm < 1) throw new ArgumentOutOfRangeException(nameof(MaxPeersPerSwarm), MaxPeersPerSwarm, "must be at least 1");
        if (MaxNumWant is < 1 or > 200) throw new ArgumentOutOfRangeException(nameof(MaxNumWant), MaxNumWant, "must be 1..200 (one reply stays under 1500 bytes)");
        if (MaxRequestBytes is < TrackerProtocol.AnnounceRequestLength or > 65507)
            throw new ArgumentOutOfRangeException(nameof(MaxRequestBytes), MaxRequestBytes, "must be 98..65507");
    }
}
