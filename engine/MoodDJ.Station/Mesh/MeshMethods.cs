using System.Net;
using System.Text.Json;
using MoodDJ.Media.Srtp;
using MoodDJ.Peers.Mesh;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Station;

/// <summary>
/// The station as the mesh's rendezvous: it admits relaying peers (feeding at most
/// station:maxDirectPeers itself), hands each the shared stream key, its signing key and a signed
/// attach ticket, answers <c>meshParents</c> with peers that have spare slots (fewest hops first)
/// and tells those peers to probe the child (UDP hole punching), and keeps every peer's report.
/// </summary>
internal sealed class MeshMethods(LiveStation station)
{
    /// <summary>Candidates one answer names; the child tries them in order.</summary>
    public const int CandidatesPerAnswer = 4;
    public const int MaxChildrenLimit = 64;

    private readonly Lock _gate = new();

    /// <summary>The mesh part of a subscribe with <c>relay</c> (the peer's maximum children): its protector and mesh state.</summary>
    public (IRtpProtector Protector, MeshPeer Peer) Admit(JsonElement parameters)
    {
        var maxChildren = ParamReader.RequiredInt(parameters, "relay", 0, MaxChildrenLimit);
        var feed = station.MeshFeed;
        return (new MeshProtector(feed), new MeshPeer(maxChildren));
    }

    /// <summary>
    /// Decides whether the station feeds a newly added peer itself. It runs once the peer is in the listener
    /// registry, under the lock, so peers subscribing at the same moment each see the others' places and
    /// never take more than station:maxDirectPeers slots between them.
    /// </summary>
    public void Place(Listener listener)
    {
        lock (_gate)
        {
            if (CountDirect() < station.Options.MaxDirectPeers)
                listener.Mesh!.Direct = true;
        }
    }

    /// <summary>What the subscribe result tells a relaying peer (over its sealed session).</summary>
    public MeshDto Describe(Listener listener)
    {
        var feed = station.MeshFeed;
        var (keyId, keys) = feed.CurrentKey;
        if (feed.NextKey is { } next)
            station.NotifyOwner(listener, StationMethods.MeshKey, KeyEvent(next.Id, next.Keys));
        var peer = listener.Mesh!;
        var candidates = peer.Direct ? [] : Candidates(listener);
        return new MeshDto(listener.Id, peer.Direct, Srtp(keys), keyId, feed.Signer.PublicKeyBase64,
            MeshTicket.Issue(feed.Signer, listener.Id, listener.EndPoint.Address, DateTimeOffset.UtcNow.AddDays(1)),
            station.Options.MeshMaxHops, candidates, listener.EndPoint.Address.ToString(), listener.EndPoint.Port);
    }

    /// <summary><c>meshParents</c>: a direct feed when a slot is free, else candidates.</summary>
    public MeshParentsResult Parents(StationSession state, JsonElement parameters)
    {
        var listener = OwnPeer(state, parameters);
        var peer = listener.Mesh!;
        var promoted = false;
        lock (_gate)
        {
            if (!peer.Direct && CountDirect() < station.Options.MaxDirectPeers)
                promoted = peer.Direct = true;
        }
        if (promoted && ParamReader.Has(parameters, "newest"))
            _ = ResendAsync(listener, (ushort)ParamReader.RequiredInt(parameters, "newest", 0, 65535));
        return new MeshParentsResult(peer.Direct, peer.Direct ? [] : Candidates(listener));
    }

    /// <summary>An orphan the station now feeds gets what it missed since its newest packet (it drops what it has).</summary>
    private async Task ResendAsync(Listener listener, ushort newest)
    {
        foreach (var datagram in station.MeshFeed.RecentAfter(newest))
        {
            try
            {
                // A direct socket stays synchronous: one async call would register it with epoll for good.
                if (station.Ports.Direct is { } direct)
                    direct.Socket.SendTo(datagram.AsSpan(), System.Net.Sockets.SocketFlags.None, listener.Address);
                else
                    await station.Ports.Stream.SendToAsync(datagram, listener.Address).ConfigureAwait(false);
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or ObjectDisposedException or OperationCanceledException) { return; }
        }
    }

    /// <summary>Reads the optional <c>mesh</c> member of a report; throws a one-line invalid-params error when it is malformed.</summary>
    public static MeshReportDto? ReadReport(JsonElement parameters)
    {
        if (!ParamReader.TryGetElement(parameters, "mesh", out var element)) return null;
        MeshReportDto? report;
        try
        {
            report = element.Deserialize<MeshReportDto>(JsonRpcWriter.SerializerOptions);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw JsonRpcException.InvalidParams($"'mesh' is not a mesh report: {e.Message}");
        }
        if (report is null || report.Parents is null || report.Parents.Count > MeshWire.MaxPath || report.Children is < 0 or > MaxChildrenLimit
            || report.Hops is < 0 or > 255 || !double.IsFinite(report.Continuity) || report.Continuity is < 0 or > 1
            || report.Forged < 0 || report.Replayed < 0 || report.Forwarded < 0)
            throw JsonRpcException.InvalidParams("'mesh' must have parents (at most 16 ids), children 0..64, hops 0..255, continuity 0..1 and counts ≥ 0.");
        return report;
    }

    public MeshStatusDto Status(EgressMeter egress)
    {
        var peers = Array.FindAll(station.Listeners.Snapshot, l => l.Mesh is not null);
        var list = Array.ConvertAll(peers, l => new MeshPeerStatusDto(l.Id, l.Name, l.EndPoint.ToString(), l.Mesh!.Direct, l.Mesh.Hops,
            l.Mesh.Report?.Parents ?? [], l.Mesh.Report?.Children ?? 0, l.Mesh.Report?.Continuity ?? 0, l.Report?.LossPercent ?? 0,
            l.Mesh.Report?.Forged ?? 0));
        return new MeshStatusDto(Array.FindAll(peers, l => l.Mesh!.Direct).Length, station.Options.MaxDirectPeers, peers.Length,
            egress.PacketsPerSecond, egress.BytesPerSecond * 8 / 1000, string.IsNullOrWhiteSpace(station.Options.Tracker) ? null : station.Options.Tracker, list);
    }

    internal static MeshKeyEvent KeyEvent(byte id, SrtpKeys keys) => new(id, Srtp(keys));

    private static SrtpDto Srtp(SrtpKeys keys) => new(SrtpKeys.Suite, "inline:" + keys.ToInlineBase64());

    private Listener OwnPeer(StationSession state, JsonElement parameters)
    {
        var text = ParamReader.RequiredString(parameters, "token", 64);
        if (!HeartbeatDatagram.TryParseToken(text, out var token)
            || !station.Listeners.TryGet(token, out var listener) || listener!.SessionId != state.ResumeToken)
            throw new JsonRpcException(JsonRpcErrorCodes.NotFound, "No listener of yours has that token.");
        if (listener.Mesh is null)
            throw new JsonRpcException(JsonRpcErrorCodes.InvalidParams, "That listener does not relay (subscribe with 'relay').");
        return listener;
    }

    private int CountDirect()
    {
        var n = 0;
        foreach (var l in station.Listeners.Snapshot)
            if (l.Mesh is { Direct: true }) n++;
        return n;
    }

    /// <summary>
    /// Peers with a known hop count below the bound and spare slots, fewest hops first; the first
    /// one is promised a child (until its next report) so a crowd joining at once spreads out.
    /// Each candidate is told to probe the child, which opens its NAT for the child's attach.
    /// </summary>
    private MeshCandidateDto[] Candidates(Listener child)
    {
        MeshCandidateDto[] chosen;
        lock (_gate)
        {
            var maxHops = station.Options.MeshMaxHops;
            var open = station.Listeners.Snapshot
                .Where(l => l.Mesh is { } m && !ReferenceEquals(l, child) && m.Hops > 0 && m.Hops < maxHops && m.FreeSlots > 0 && !l.Retired)
                .OrderBy(l => l.Mesh!.Hops).ThenByDescending(l => l.Mesh!.FreeSlots).Take(CandidatesPerAnswer).ToArray();
            if (open.Length > 0) open[0].Mesh!.Promise();
            chosen = Array.ConvertAll(open, l => new MeshCandidateDto(l.Id, l.EndPoint.Address.ToString(), l.EndPoint.Port, l.Mesh!.Hops, l.Mesh.FreeSlots));
            foreach (var parent in open)
                station.NotifyOwner(parent, StationMethods.MeshProbe, new MeshProbeEvent(HeartbeatDatagram.FormatToken(parent.Token), child.Id,
                    child.EndPoint.Address.ToString(), child.EndPoint.Port));
        }
        return chosen;
    }
}

/// <summary>The stream socket's packets and bytes per second, over the last whole second.</summary>
internal sealed class EgressMeter(StationCounters counters)
{
    private long _at = System.Diagnostics.Stopwatch.GetTimestamp(), _packets, _bytes;

    public double PacketsPerSecond { get; private set; }

    public double BytesPerSecond { get; private set; }

    /// <summary>Called about once a second; a new rate once at least a second passed.</summary>
    public void Sample()
    {
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(_at).TotalSeconds;
        if (elapsed < 0.95) return;
        var (packets, bytes) = (counters.PacketsSent, counters.BytesSent);
        PacketsPerSecond = (packets - _packets) / elapsed;
        BytesPerSecond = (bytes - _bytes) / elapsed;
        (_at, _packets, _bytes) = (System.Diagnostics.Stopwatch.GetTimestamp(), packets, bytes);
    }
}
