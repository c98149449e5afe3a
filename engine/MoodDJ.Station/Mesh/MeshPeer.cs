using MoodDJ.Protocol.Messages;

namespace MoodDJ.Station;

/// <summary>
/// The station's view of one relaying peer: whether the station feeds it, how many children it
/// takes, and what it last reported (parents, children, hops, continuity). Hops are -1 until the
/// peer reports a parent (or is fed directly, hop 1).
/// </summary>
public sealed class MeshPeer(int maxChildren)
{
    private volatile bool _direct;
    private volatile MeshReportDto? _report;

    public int MaxChildren { get; } = maxChildren;

    /// <summary>The station sends the stream to this peer itself.</summary>
    public bool Direct { get => _direct; internal set => _direct = value; }

    public MeshReportDto? Report => _report;

    private int _promised;
    private MoodDJ.Peers.Mesh.MeshResendBudget _resends;
    private readonly Lock _resendGate = new();

    /// <summary>Takes one resend after a nack from this peer's budget; false when this second's are spent.</summary>
    internal bool TakeResend()
    {
        lock (_resendGate) return _resends.TryTake();
    }

    internal void Record(MeshReportDto report)
    {
        _report = report;
        Volatile.Write(ref _promised, 0);
    }

    /// <summary>A child was sent here and has not shown up in a report yet.</summary>
    internal void Promise() => Interlocked.Increment(ref _promised);

    /// <summary>Hops from the station (1 = fed directly), or -1 while unknown.</summary>
    public int Hops => Direct ? 1 : _report is { Hops: > 0 } r && r.Parents.Count > 0 ? r.Hops : -1;

    public int FreeSlots => Math.Max(0, MaxChildren - (_report?.Children ?? 0) - Volatile.Read(ref _promised));
}
