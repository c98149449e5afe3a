using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace MoodDJ.Peers.Mesh;

/// <summary>
/// A peer's clock-driven duties, every 25 ms: drop parents silent past peer:parentSilenceMs, attach
/// to the next candidate (or ask the station for candidates), keep parents told it is alive,
/// tell children its path while it is fed, and expire silent children.
/// </summary>
internal sealed class MeshMaintenance(MeshRelay relay, MeshSession s)
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(25);
    // A tick this late means this process did not run (the OS descheduled it, or a GC): its own
    // receive loop was stopped too, so a parent's silence over that time says nothing about the parent.
    private static readonly long StallGap = Stopwatch.Frequency / 10;

    private readonly byte[] _buffer = new byte[MeshWire.MaxLength];
    private Task? _asking;
    private long _lastAsk;
    private long _lastTick;
    private long _awakeSince;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Tick);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                await OnTickAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { }
    }

    private async Task OnTickAsync(CancellationToken cancellationToken)
    {
        var family = s.Family;
        var options = relay.Options;
        var now = Stopwatch.GetTimestamp();
        var silence = (long)(options.ParentSilence.TotalSeconds * Stopwatch.Frequency);
        if (_lastTick != 0 && now - _lastTick > StallGap) _awakeSince = now;
        _lastTick = now;
        // Silence counts from when this peer last heard its parent or woke from a stall, whichever is
        // later: after a stall the receive loop first drains what queued meanwhile. Without this, a
        // 0.3-0.5 s stall dropped live parents and cost seconds of re-attaching.
        foreach (var parent in family.Parents)
            if (now - Math.Max(Volatile.Read(ref parent.LastHeard), _awakeSince) > silence)
                relay.DropParent(s, parent, $"silent for {options.ParentSilence.TotalMilliseconds:0} ms");

        if (family.Direct && family.Parents.Length > 0)
            foreach (var parent in family.Parents) relay.DropParent(s, parent, "the station feeds this peer now");
        if (family.WantsParent)
        {
            // An orphan asks the station at once, while it tries the candidates it still holds.
            var urgent = relay.TakeOrphaned();
            var tried = await relay.AttachNextAsync(s, now, cancellationToken).ConfigureAwait(false);
            if ((urgent || (!tried && !family.AttachPending && family.CandidateCount == 0)) && (_asking is null || _asking.IsCompleted)
                && (urgent || Stopwatch.GetElapsedTime(_lastAsk, now) >= options.AskInterval))
            {
                _lastAsk = now;
                _asking = AskAsync(cancellationToken);
            }
        }

        var keepalive = (long)(options.KeepaliveInterval.TotalSeconds * Stopwatch.Frequency);
        foreach (var parent in family.Parents)
        {
            if (now - parent.LastSent < keepalive) continue;
            parent.LastSent = now;
            var length = MeshWire.Write(_buffer, MeshMessage.Keepalive, family.Self);
            await MeshRelay.SendQuietlyAsync(s.Socket, _buffer.AsMemory(0, length), parent.Address, cancellationToken).ConfigureAwait(false);
        }

        var children = family.Children;
        if (children.Length > 0 && family.Fed && (family.Direct || relay.ReceivedLately(now)))
        {
            var interval = (long)(options.PathInterval.TotalSeconds * Stopwatch.Frequency);
            var length = -1;
            foreach (var child in children)
            {
                if (now - child.LastSent < interval) continue;
                child.LastSent = now;
                if (length < 0) length = MeshWire.WritePath(_buffer, MeshMessage.Path, family.Self, family.Hops, family.Ancestry());
                await MeshRelay.SendQuietlyAsync(s.Socket, _buffer.AsMemory(0, length), child.Address, cancellationToken).ConfigureAwait(false);
            }
        }
        if (family.ExpireChildren(now) > 0)
            relay.RequestReport(cancellationToken);
    }

    private async Task AskAsync(CancellationToken cancellationToken)
    {
        try
        {
            var answer = await relay.AskParentsAsync(s.Subscription.Token, cancellationToken).ConfigureAwait(false);
            if (answer.Direct)
            {
                s.Family.Direct = true;
                relay.RequestReport(cancellationToken);
            }
            else
            {
                s.Family.SetCandidates(answer.Candidates);
                if (s.Family.WantsParent)
                    await relay.AttachNextAsync(s, Stopwatch.GetTimestamp(), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) { }
        catch (Exception e)
        {
            relay.Log.LogDebug("Asking the station for parents failed: {Error}", e.Message);
        }
    }
}
