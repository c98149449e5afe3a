namespace MoodDJ.Protocol.Messages;

// The live relay mesh's control shapes (docs/protocol.md, "Live relay mesh"). Keys and tickets only
// ever travel over the sealed control session.

/// <summary>
/// What a relaying peer learns when it subscribes: its peer id, whether the station feeds it
/// directly, the station's shared stream key (<see cref="KeyId"/> names it in every packet), the
/// station's Ed25519 public key (base64, raw 32 bytes) that signs every packet, a station-signed
/// attach ticket for this peer's address, the hop bound, candidate parents, and the peer's own
/// address as the station sees it.
/// </summary>
public sealed record MeshDto(
    long PeerId, bool Direct, SrtpDto StreamKey, int KeyId, string SigningKey, string Ticket, int MaxHops,
    IReadOnlyList<MeshCandidateDto> Candidates, string ReflexiveHost, int ReflexivePort);

/// <summary>A peer that may take a child: where to send the attach, its hop count and its free slots.</summary>
public sealed record MeshCandidateDto(long PeerId, string Host, int Port, int Hops, int FreeSlots);

/// <summary>
/// <c>meshParents</c>: the peer's token, and the newest sequence number it holds: when the station
/// feeds it directly from now on, it first resends what the peer missed after that.
/// </summary>
public sealed record MeshParentsParams(string Token, int? Newest = null);

/// <summary>Either the station feeds the peer directly now, or here are peers to attach to (fewest hops first).</summary>
public sealed record MeshParentsResult(bool Direct, IReadOnlyList<MeshCandidateDto> Candidates);

/// <summary><c>meshProbe</c>: a child at that address is about to attach; send it a probe so the NAT lets its attach in.</summary>
public sealed record MeshProbeEvent(string Token, long ChildId, string Host, int Port);

/// <summary><c>meshKey</c>: the station's stream key with its id; the previous one stays valid for a grace period.</summary>
public sealed record MeshKeyEvent(int KeyId, SrtpDto StreamKey);

/// <summary>A relaying peer's part of <c>report</c>: its parents' ids, children, hops, continuity and what it dropped.</summary>
public sealed record MeshReportDto(IReadOnlyList<long> Parents, int Children, int MaxChildren, int Hops, double Continuity,
    long Forged, long Replayed, long Forwarded);

/// <summary>The mesh part of <c>status</c>: direct and total peers, the server's egress and every peer's last report.</summary>
public sealed record MeshStatusDto(int DirectPeers, int MaxDirectPeers, int Peers, double EgressPacketsPerSecond, double EgressKilobitsPerSecond,
    string? Tracker, IReadOnlyList<MeshPeerStatusDto> PeerList);

public sealed record MeshPeerStatusDto(long PeerId, string Name, string Address, bool Direct, int Hops, IReadOnlyList<long> Parents, int Children,
    double Continuity, double LossPercent, long Forged);
