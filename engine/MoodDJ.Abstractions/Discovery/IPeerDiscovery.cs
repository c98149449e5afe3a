using System.Net;

namespace MoodDJ.Abstractions.Discovery;

/// <summary>Finds other peers of a swarm (a station's relay mesh or a track's BitTorrent swarm). Kind: "discovery".</summary>
public interface IPeerDiscovery
{
    /// <summary>Tells others that this peer is in <paramref name="swarmId"/> and reachable at <paramref name="endPoint"/>.</summary>
    ValueTask AnnounceAsync(string swarmId, IPEndPoint endPoint, CancellationToken cancellationToken = default);

    /// <summary>Peers currently known in <paramref name="swarmId"/>, at most <paramref name="maxPeers"/>.</summary>
    ValueTask<IReadOnlyList<IPEndPoint>> FindPeersAsync(string swarmId, int maxPeers, CancellationToken cancellationToken = default);

    /// <summary>Tells others this peer left <paramref name="swarmId"/> and stops re-announcing it (best effort; nothing by default).</summary>
    ValueTask LeaveAsync(string swarmId, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
