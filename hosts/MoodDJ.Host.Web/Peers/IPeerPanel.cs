namespace MoodDJ.Host.Web.Peers;

/// <summary>
/// What the page's P2P panel shows and switches: discovery (the station's live mesh peer list) and
/// the relay stream (this host as a relaying mesh peer: parents, children, hops, loss, continuity).
/// <see cref="MeshPeerPanel"/> implements it over the station link.
/// </summary>
public interface IPeerPanel
{
    PeerPanelState State { get; }

    /// <summary>Turns discovery on or off; returns a one-line reason when it cannot.</summary>
    Task<string?> SetDiscoveryAsync(bool on, CancellationToken cancellationToken);

    /// <summary>Starts or stops receiving (and relaying) the stream over the mesh; returns a one-line reason when it cannot.</summary>
    Task<string?> SetStreamAsync(bool on, CancellationToken cancellationToken);
}

/// <summary>
/// The panel as the page gets it (docs/web.md, "panel"). <see cref="Why"/> is the last problem
/// (the station did not answer, the peer stopped); <see cref="Self"/> is this host's peer id while streaming.
/// </summary>
public sealed record PeerPanelState(
    bool Available, string? Why, bool Discovery, bool Streaming,
    IReadOnlyList<PeerView> Peers, IReadOnlyList<PeerView> Parents, IReadOnlyList<PeerView> Children,
    int? Hops, double? LossPercent, double? Continuity, MeshSummary? Mesh = null, string? Self = null);

/// <summary>
/// One mesh peer: its id and address, and (in the discovery list) its last report as the station
/// has it. Parents are peer ids, "station" when the station feeds it directly.
/// </summary>
public sealed record PeerView(string Id, string Address, string? Name = null, bool? Direct = null, int? Hops = null,
    IReadOnlyList<string>? ParentIds = null, int? Children = null, double? Continuity = null, double? LossPercent = null, long? Forged = null);

/// <summary>The station's side of the mesh: peers it feeds directly (of its maximum), all peers, and its egress.</summary>
public sealed record MeshSummary(int DirectPeers, int MaxDirectPeers, int Peers, double EgressPacketsPerSecond, double EgressKilobitsPerSecond);
