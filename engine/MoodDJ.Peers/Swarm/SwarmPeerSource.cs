using System.Net;
using MoodDJ.Abstractions.Discovery;

namespace MoodDJ.Peers.Swarm;

/// <summary>
/// Where a download finds peers: the ones named on the command line or in the magnet link, plus whatever
/// the configured discovery plugin (tracker, lan, static) knows for the torrent's info-hash.
/// </summary>
public sealed class SwarmPeerSource(IReadOnlyList<IPEndPoint> known, IPeerDiscovery? discovery, int maxPeers)
{
    public async ValueTask<IReadOnlyList<IPEndPoint>> FindAsync(TorrentMetainfo torrent, CancellationToken cancellationToken)
    {
        var peers = new List<IPEndPoint>(known);
        if (discovery is not null)
            foreach (IPEndPoint peer in await discovery.FindPeersAsync(torrent.InfoHashHex, maxPeers, cancellationToken))
                if (!peers.Contains(peer)) peers.Add(peer);
        return peers;
    }

    /// <summary>Parses "host:port" peers, naming the one that is wrong.</summary>
    public static IReadOnlyList<IPEndPoint> Parse(IEnumerable<string> texts)
    {
        var peers = new List<IPEndPoint>();
        foreach (string text in texts)
        {
            if (!IPEndPoint.TryParse(text, out IPEndPoint? peer) || peer.Port == 0)
                throw new FormatException($"--peer \"{text}\" is not an address and port such as 127.0.0.1:6881");
            peers.Add(peer);
        }
        return peers;
    }
}
