using Microsoft.Extensions.Logging;
using MoodDJ.Client;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Peers.Mesh;

/// <summary>
/// One relaying peer's ties to its station's control session, shared by `mooddj peer` and the web
/// host's P2P stream: the relay asks this session for parents, hears its key and probe
/// notifications, subscribes as a relay and reports at once when its family changes. Disposing it
/// unhooks the notifications, so a long-lived session can start and stop peers.
/// </summary>
public sealed class MeshPeerLink : IDisposable
{
    private readonly StationControlClient _control;

    /// <param name="addCandidates">Adds more candidate parents to each station answer (e.g. peers a tracker lists), after the station's own.</param>
    public MeshPeerLink(StationControlClient control, MeshPeerOptions options, ILogger? log = null, Func<MeshParentsResult, MeshParentsResult>? addCandidates = null)
    {
        _control = control;
        Relay = new MeshRelay(options, addCandidates is null
            ? (token, newest, ct) => control.MeshParentsAsync(token, newest, ct)
            : async (token, newest, ct) => addCandidates(await control.MeshParentsAsync(token, newest, ct).ConfigureAwait(false)), log);
        control.MeshKeyAnnounced += Relay.OnKey;
        control.MeshProbeRequested += Relay.OnProbe;
    }

    public MeshRelay Relay { get; }

    /// <summary>The subscription that makes the station treat this player as a relaying peer.</summary>
    public Task<SubscribeResult> SubscribeAsync(int port, string? name, CancellationToken cancellationToken) =>
        _control.SubscribeAsync(new SubscribeParams(port, Name: name, Relay: Relay.Options.MaxChildren), cancellationToken);

    /// <summary>Makes the relay report <paramref name="player"/>'s figures as soon as its parents or children change.</summary>
    public void ReportFor(StationPlayer player) => Relay.ReportNow = ct => ReportAsync(player, ct);

    private Task ReportAsync(StationPlayer player, CancellationToken cancellationToken)
    {
        if (player.Subscription is not { } subscription) return Task.CompletedTask;
        var s = player.Stats;
        return _control.ReportAsync(new ReportParams(subscription.Token, s.Received, s.Lost, s.Late, (int)s.Buffered.TotalMilliseconds,
            (int)s.Target.TotalMilliseconds, Relay.DescribeMesh()), cancellationToken);
    }

    public void Dispose()
    {
        _control.MeshKeyAnnounced -= Relay.OnKey;
        _control.MeshProbeRequested -= Relay.OnProbe;
        Relay.Dispose();
    }
}
