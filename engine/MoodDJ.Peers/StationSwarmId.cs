using System.Security.Cryptography;
using System.Text;

namespace MoodDJ.Peers;

/// <summary>
/// The 20-byte info-hash under which a live station is announced to trackers, written as 40 hex digits
/// (the form <see cref="MoodDJ.Abstractions.Discovery.IPeerDiscovery"/> takes as a swarm id). A cached track
/// is announced under its torrent's own info-hash instead.
/// </summary>
public static class StationSwarmId
{
    /// <summary>SHA-1 over a fixed prefix and the station's name and control address, so two stations never share a swarm.</summary>
    public static string For(string stationName, string controlAddress)
    {
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(Encoding.UTF8.GetBytes($"mooddj live station\n{stationName}\n{controlAddress}"), hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Parses a 40-hex-digit swarm id into its 20 info-hash bytes.</summary>
    public static bool TryParse(string swarmId, Span<byte> infoHash) =>
        swarmId.Length == 40 && infoHash.Length >= 20 && Convert.FromHexString(swarmId, infoHash[..20], out _, out int written) == System.Buffers.OperationStatus.Done && written == 20;
}
