namespace MoodDJ.Host.Web.Peers;

/// <summary>
/// What the page's P2P panel shows and switches: discovery (the live peer list) and the relay
/// stream (parents, children, hops, loss, continuity). The relay mesh (engine/MoodDJ.Peers/Mesh)
/// implements this when it lands; until then <see cref="PeersNotAvailable"/> answers.
/// </summary>
public interface IPeerPanel
{
    PeerPanelState State { get; }

    /// <summary>Turns discovery on or off; returns a one-line reason when it cannot.</summary>
    Task<string?> SetDiscoveryAsync(bool on, CancellationToken cancellationToken);

    /// <summary>Starts or stops receiving (and relaying) the stream over the mesh; returns a one-line reason when it cannot.</summary>
    Task<string?> SetStreamAsync(bool on, CancellationToken cancellationToken);
}

public sealed record PeerPanelState(
    bool Available, string? Why, bool Discovery, bool Streaming,
    IReadOnlyList<PeerView> Peers, IReadOnlyList<PeerView> Parents, IReadOnlyList<PeerView> Children,
    int? Hops, double? LossPercent, double? Continuity);

public sealed record PeerView(string Id, string Address, string? Note = null);

/// <summary>The panel before the relay mesh exists: every switch answers why not.</summary>
public sealed class PeersNotAvailable : IPeerPanel
{
    public const string Why = "P2P is not available yet: the relay mesh (engine/MoodDJ.Peers/Mesh) has not landed in this build.";

    public PeerPanelState State { get; } = new(false, Why, false, false, [], [], [], null, null, null);

    public Task<string?> SetDiscoveryAsync(bool on, CancellationToken cancellationToken) => Task.FromResult<string?>(Why);

    public Task<string?> SetStreamAsync(bool on, CancellationToken cancellationToken) => Task.FromResult<string?>(Why);
}
