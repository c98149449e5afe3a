using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Client;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Peers.Mesh;

/// <summary>
/// The relaying half of `mooddj peer` (docs/protocol.md, "Live relay mesh"). It reads the player's
/// socket: each media datagram is checked against the station's signature and the sequence window,
/// forwarded byte for byte to every child, decrypted with the shared stream key and handed to the
/// player's pipeline. Control datagrams attach children and parents. A maintenance loop drops
/// silent parents (re-attaching to the next candidate, or asking the station for more), keeps
/// parents and children informed, and expires silent children. The media path allocates nothing.
/// Over 300 lines on purpose: the receive loop, the media path (and the station's signed SRTCP
/// reports, which take the same path to the children) and the per-session state they guard share one
/// lock and one buffer; control datagrams and upkeep already live in MeshControl and MeshMaintenance.
/// </summary>
public sealed class MeshRelay : IStreamRelay, IDisposable
{
    private readonly MeshPeerOptions _options;
    private readonly Func<string, int?, CancellationToken, Task<MeshParentsResult>> _askParents;
    private readonly ILogger _log;
    private readonly MeshKeyRing _keys = new();
    private readonly SequenceWindow _window = new();
    private readonly MeshBackfill _backfill = new();
    private readonly Lock _mediaGate = new();
    private readonly byte[] _nack = new byte[MeshWire.HeaderLength + 3];
    private long _nacksSent, _resent;
    private MeshFamily? _family;
    private MeshSession? _session;
    private long _verified, _forwarded, _forged, _duplicates, _junk, _unknownKey, _parentsDropped, _forgersDropped, _reattaches;
    private long _joinStarted;
    private long _lastReattachTicks, _longestReattachTicks, _orphanedAt, _lastMedia;

    public MeshRelay(MeshPeerOptions options, Func<string, int?, CancellationToken, Task<MeshParentsResult>> askParents, ILogger? log = null)
    {
        options.Validate();
        _options = options;
        _askParents = askParents;
        _log = log ?? NullLogger.Instance;
    }

    /// <summary>Called with each relaying subscription as the relay starts on it (the host announces the peer in the station's swarm).</summary>
    public Action<SubscribeResult>? Joined { get; set; }

    /// <summary>
    /// Called on the receive loop with each packet's sequence number and Stopwatch timestamp as it is
    /// verified (before it is forwarded): how benchmarks time each hop. Null in the product.
    /// </summary>
    public Action<ushort, long>? Verified { get; set; }

    /// <summary>Sends the station a report at once (parents changed); optional.</summary>
    public Func<CancellationToken, Task>? ReportNow { get; set; }

    public MeshPeerOptions Options => _options;

    public MeshPeerStats Stats
    {
        get
        {
            var f = Volatile.Read(ref _family);
            return new MeshPeerStats(Interlocked.Read(ref _verified), Interlocked.Read(ref _forwarded), Interlocked.Read(ref _forged),
                Interlocked.Read(ref _duplicates), Interlocked.Read(ref _junk), Interlocked.Read(ref _unknownKey),
                Interlocked.Read(ref _parentsDropped), Interlocked.Read(ref _forgersDropped), Interlocked.Read(ref _reattaches),
                TimeSpan.FromTicks(Interlocked.Read(ref _lastReattachTicks)), TimeSpan.FromTicks(Interlocked.Read(ref _longestReattachTicks)),
                f?.Hops ?? 0, f?.Parents.Length ?? 0, f?.Children.Length ?? 0, f?.Direct ?? false);
        }
    }

    /// <summary>From the relay's start to its first verified packet (the subscription's own part of join time).</summary>
    public TimeSpan? JoinTime { get; private set; }

    /// <summary>Ids of the current parents (0 stands for the station when fed directly).</summary>
    public long[] ParentIds => _family is { } f ? f.Direct ? [0] : Array.ConvertAll(f.Parents, p => p.Id) : [];

    public long[] ChildIds => _family is { } f ? Array.ConvertAll(f.Children, c => c.Id) : [];

    /// <summary>This peer's id at the station (0 before it subscribed).</summary>
    public long PeerId => _family?.Self ?? 0;

    /// <summary>The player pipeline of the current subscription (for continuity), once relaying.</summary>
    public PlayerPipeline? Pipeline => _session?.Pipeline;

    /// <summary>The station's next stream key (its <c>meshKey</c> notification).</summary>
    public void OnKey(MeshKeyEvent key) => _keys.Add(key);

    /// <summary>The station asks this peer to probe a child about to attach (opens this side's NAT).</summary>
    public void OnProbe(MeshProbeEvent probe)
    {
        if (_session is not { } s || !IPAddress.TryParse(probe.Host, out var ip) || probe.Port is < 1 or > 65535) return;
        if (s.Subscription.Token != probe.Token) return;
        var buffer = new byte[MeshWire.HeaderLength];
        MeshWire.Write(buffer, MeshMessage.Probe, s.Family.Self);
        _ = SendQuietlyAsync(s.Socket, buffer, new IPEndPoint(ip, probe.Port).Serialize(), CancellationToken.None);
    }

    public MeshReportDto? DescribeMesh()
    {
        if (_family is not { } f) return null;
        var stats = _session?.Pipeline.Stats;
        var continuity = stats is { } p && p.Played + p.Concealed > 0 ? (double)p.Played / (p.Played + p.Concealed) : 0;
        return new MeshReportDto(ParentIds, f.Children.Length, _options.MaxChildren, f.Hops, continuity,
            Interlocked.Read(ref _forged), Interlocked.Read(ref _duplicates), Interlocked.Read(ref _forwarded));
    }

    public async Task RunAsync(IDatagramSocket socket, SubscribeResult subscription, PlayerPipeline pipeline, CancellationToken cancellationToken)
    {
        var mesh = subscription.Mesh ?? throw new InvalidOperationException("Not a relaying subscription (no mesh part).");
        var verifier = StreamVerifier.FromBase64(mesh.SigningKey);
        var ticket = Convert.FromBase64String(mesh.Ticket);
        _keys.Add((byte)mesh.KeyId, Media.Srtp.SrtpKeys.FromInlineBase64(mesh.StreamKey.KeyParams));
        var family = new MeshFamily(mesh.PeerId, _options, mesh.MaxHops) { Direct = mesh.Direct };
        family.SetCandidates(mesh.Candidates);
        lock (_mediaGate) _window.Reset();
        Interlocked.Exchange(ref _orphanedAt, 0);
        _joinStarted = Stopwatch.GetTimestamp();
        var session = new MeshSession(socket, subscription, pipeline, family, verifier, ticket);
        Volatile.Write(ref _family, family);
        Volatile.Write(ref _session, session);
        _log.LogInformation("Mesh peer {Id}: {How}.", mesh.PeerId, mesh.Direct ? "fed by the station" : $"{mesh.Candidates.Count} candidate parent(s)");
        if (mesh.Direct) RequestReport(cancellationToken);
        Joined?.Invoke(subscription);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var receiving = Task.Run(() => ReceiveLoopAsync(session, stop.Token), CancellationToken.None);
        var maintaining = Task.Run(() => new MeshMaintenance(this, session).RunAsync(stop.Token), CancellationToken.None);
        await Task.WhenAny(receiving, maintaining).ConfigureAwait(false);
        stop.Cancel();
        await Task.WhenAll(receiving, maintaining).ConfigureAwait(false);
        if (_options.LeaveGracefully)
            await SayLeaveAsync(session).ConfigureAwait(false);
        family.Clear();
    }

    private async Task ReceiveLoopAsync(MeshSession s, CancellationToken cancellationToken)
    {
        var buffer = new byte[MeshWire.MaxLength + 2048];
        var reply = new byte[MeshWire.MaxLength];
        var from = s.Socket.CreateAddressBuffer();
        var control = new MeshControl(this, s, reply);
        while (!cancellationToken.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await s.Socket.ReceiveFromAsync(buffer, from, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { return; }
            catch (SocketException) { continue; }   // an ICMP error for an earlier send
            catch (ObjectDisposedException) { return; }
            if (MeshPacket.IsMedia(buffer.AsSpan(0, length)))
                await OnMediaAsync(s, buffer, length, from, cancellationToken).ConfigureAwait(false);
            else if (MeshWire.TryReadHeader(buffer.AsSpan(0, length), out var type, out var sender))
                await control.HandleAsync(type, sender, buffer.AsMemory(0, length), from, cancellationToken).ConfigureAwait(false);
            else
                Interlocked.Increment(ref _junk);
        }
    }

    /// <summary>
    /// A parent's copy of a media packet this peer already took (from its other parent) is dropped
    /// before the signature check, which is most of a relay's CPU with two parents. It proves nothing
    /// new, and the parent still counts as heard because one of its packets is verified at least every
    /// <see cref="UnverifiedCopiesFor"/>; a forged "copy" is dropped either way, never forwarded or played.
    /// </summary>
    private bool IsKnownCopy(MeshLink parent, byte[] buffer, int length)
    {
        if (length < Media.RtpHeader.FixedLength || Media.RtcpPacket.IsRtcp(buffer.AsSpan(0, length))) return false;
        if (Stopwatch.GetElapsedTime(Volatile.Read(ref parent.LastVerified)) > UnverifiedCopiesFor) return false;
        lock (_mediaGate) return _window.AlreadyTaken(MeshPacket.Sequence(buffer));
    }

    /// <summary>Verify, de-duplicate, forward unchanged, decrypt, play. A forgery is never forwarded or played.</summary>
    private async ValueTask OnMediaAsync(MeshSession s, byte[] buffer, int length, SocketAddress from, CancellationToken cancellationToken)
    {
        var parent = s.Family.FindParent(from);
        if (parent is not null && IsKnownCopy(parent, buffer, length))
        {
            Interlocked.Increment(ref _duplicates);
            return;
        }
        if (!MeshPacket.TryOpen(buffer.AsSpan(0, length), s.Verifier, out var srtpLength, out var keyId))
        {
            Interlocked.Increment(ref _forged);
            if (parent is not null && Interlocked.Increment(ref parent.Forged) >= _options.ForgeryLimit)
            {
                Interlocked.Increment(ref _forgersDropped);
                DropParent(s, parent, "it sent forged packets");
            }
            return;
        }
        var now = Stopwatch.GetTimestamp();
        if (Media.RtcpPacket.IsRtcp(buffer.AsSpan(0, srtpLength)))
        {
            if (parent is not null) Volatile.Write(ref parent.LastHeard, now);
            await OnRtcpAsync(s, buffer, length, srtpLength, keyId, cancellationToken).ConfigureAwait(false);
            return;
        }
        // A signed packet from someone who is not a parent (the station resending what an orphan missed,
        // a parent just dropped) is still the station's: the window below keeps any replay out.
        if (parent is not null)
        {
            Volatile.Write(ref parent.LastHeard, now);
            Volatile.Write(ref parent.LastVerified, now);
        }
        bool first;
        int skipped;
        bool renack, renackAgain;
        ushort newest;
        var sequence = MeshPacket.Sequence(buffer);
        lock (_mediaGate)
        {
            first = _window.TryAccept(sequence, out skipped);
            newest = _window.Newest ?? sequence;
            renack = first && _window.MissingBehindNewest(RenackAfter);
            renackAgain = first && _window.MissingBehindNewest(RenackAgainAfter);
        }
        if (!first)
        {
            Interlocked.Increment(ref _duplicates);
            return;
        }
        // A gap: ask whoever sent this (a parent, or the station) for the packets in between, and ask
        // again for any still missing some packets later (the nack or its answer was lost too). On a
        // lossy link this repairs most losses well within the jitter buffer's depth.
        if (parent is not null || s.Family.Direct)
        {
            if (skipped is > 0 and <= MeshWire.MaxNack)
                await NackAsync(s, (ushort)(sequence - skipped), skipped, from, cancellationToken).ConfigureAwait(false);
            if (renack) await NackAsync(s, (ushort)(newest - RenackAfter), 1, from, cancellationToken).ConfigureAwait(false);
            if (renackAgain) await NackAsync(s, (ushort)(newest - RenackAgainAfter), 1, from, cancellationToken).ConfigureAwait(false);
        }
        Interlocked.Increment(ref _verified);
        Verified?.Invoke(sequence, now);
        Volatile.Write(ref _lastMedia, now);
        if (Interlocked.Exchange(ref _orphanedAt, 0) is var orphaned and > 0)
            RecordReattach(Stopwatch.GetElapsedTime(orphaned, now));
        if (_joinStarted > 0)
        {
            JoinTime = Stopwatch.GetElapsedTime(_joinStarted, now);
            _joinStarted = 0;
        }
        _backfill.Add(buffer.AsSpan(0, length), MeshPacket.Sequence(buffer));
        foreach (var child in s.Family.Children)
        {
            var pending = s.Socket.SendToAsync(buffer.AsMemory(0, length), child.Address, cancellationToken);
            try
            {
                if (pending.IsCompletedSuccessfully) pending.GetAwaiter().GetResult();
                else await pending.ConfigureAwait(false);
                Interlocked.Increment(ref _forwarded);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException) { }
        }
        if (!_keys.TryUnprotect(buffer, srtpLength, keyId, out var rtpLength, out var unknown))
        {
            if (unknown) Interlocked.Increment(ref _unknownKey);
            return;
        }
        s.Pipeline.Deliver(buffer.AsSpan(0, rtpLength));
    }

    private readonly byte[] _rtcp = new byte[MeshWire.MaxLength + 2048];

    /// <summary>
    /// The station's signed SRTCP report (sender report, play-out delay, flush): checked for replay by
    /// its SRTCP index (so the second parent's copy stops here), forwarded unchanged, and handed to the
    /// player decrypted, so children play on the station's clock as this peer does.
    /// </summary>
    private async ValueTask OnRtcpAsync(MeshSession s, byte[] buffer, int length, int srtcpLength, byte keyId, CancellationToken cancellationToken)
    {
        buffer.AsSpan(0, srtcpLength).CopyTo(_rtcp);
        if (!_keys.TryUnprotectRtcp(_rtcp, srtcpLength, keyId, out var rtcpLength, out var unknown))
        {
            if (unknown) Interlocked.Increment(ref _unknownKey);
            else Interlocked.Increment(ref _duplicates);
            return;
        }
        foreach (var child in s.Family.Children)
        {
            var pending = s.Socket.SendToAsync(buffer.AsMemory(0, length), child.Address, cancellationToken);
            try
            {
                if (pending.IsCompletedSuccessfully) pending.GetAwaiter().GetResult();
                else await pending.ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException) { }
        }
        s.Pipeline.Deliver(_rtcp.AsSpan(0, rtcpLength));
    }

    private void RecordReattach(TimeSpan gap)
    {
        Interlocked.Increment(ref _reattaches);
        Interlocked.Exchange(ref _lastReattachTicks, gap.Ticks);
        long longest;
        while (gap.Ticks > (longest = Interlocked.Read(ref _longestReattachTicks))
            && Interlocked.CompareExchange(ref _longestReattachTicks, gap.Ticks, longest) != longest) { }
    }

    /// <summary>True while valid media arrived lately (a parent only vouches for itself to children while it is fed).</summary>
    /// A parent whose own feed stalled stops vouching after half the silence limit, so its children
    /// look for a live parent in parallel with it instead of after it.
    internal bool ReceivedLately(long now) => (long)(_options.ParentSilence.TotalSeconds * Stopwatch.Frequency / 2) > now - Volatile.Read(ref _lastMedia);

    internal void DropParent(MeshSession s, MeshLink parent, string why)
    {
        if (!s.Family.RemoveParent(parent)) return;
        Interlocked.Increment(ref _parentsDropped);
        _log.LogInformation("Mesh peer {Id}: dropped parent {Parent} ({Why}).", s.Family.Self, parent.Id, why);
        if (s.Family.Parents.Length == 0 && !s.Family.Direct)
        {
            Interlocked.CompareExchange(ref _orphanedAt, Stopwatch.GetTimestamp(), 0);
            Volatile.Write(ref _orphanedFlag, 1);
        }
        var leave = new byte[MeshWire.HeaderLength];
        MeshWire.Write(leave, MeshMessage.Leave, s.Family.Self);
        _ = SendQuietlyAsync(s.Socket, leave, parent.Address, CancellationToken.None);
        RequestReport(CancellationToken.None);
    }

    private int _orphanedFlag;

    /// <summary>True once after the last parent was dropped (the maintenance loop then asks the station at once).</summary>
    internal bool TakeOrphaned() => Interlocked.Exchange(ref _orphanedFlag, 0) == 1;

    private readonly byte[] _attach = new byte[MeshWire.MaxLength];
    private readonly SemaphoreSlim _attaching = new(1, 1);

    /// <summary>Sends an attach to the next candidate when none is pending; false when there was nobody to try.</summary>
    internal async Task<bool> AttachNextAsync(MeshSession s, long now, CancellationToken cancellationToken)
    {
        if (!s.Family.WantsParent) return false;
        await _attaching.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (s.Family.NextAttach(now) is not { } candidate) return false;
            var length = MeshWire.WriteAttach(_attach, s.Family.Self, s.Ticket, Newest);
            await SendQuietlyAsync(s.Socket, _attach.AsMemory(0, length), candidate.Serialize(), cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _attaching.Release();
        }
    }

    internal void CountJunk() => Interlocked.Increment(ref _junk);

    internal void CountResent() => Interlocked.Increment(ref _resent);

    // A hole still open this many packets after the newest (about 60 and 150 ms at 100 packets/s) is asked for again.
    private const int RenackAfter = 6, RenackAgainAfter = 15;
    private static readonly TimeSpan UnverifiedCopiesFor = TimeSpan.FromMilliseconds(100);

    private async ValueTask NackAsync(MeshSession s, ushort first, int count, SocketAddress to, CancellationToken cancellationToken)
    {
        var length = MeshWire.WriteNack(_nack, s.Family.Self, first, count);
        await SendQuietlyAsync(s.Socket, _nack.AsMemory(0, length), to, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _nacksSent);
    }

    /// <summary>Nacks this peer sent for gaps, and packets it resent to children that nacked.</summary>
    public (long NacksSent, long Resent) Repairs => (Interlocked.Read(ref _nacksSent), Interlocked.Read(ref _resent));

    private int _reporting;

    /// <summary>Tells the station about a change of parents now (one report in flight at most).</summary>
    internal void RequestReport(CancellationToken cancellationToken)
    {
        if (ReportNow is null || Interlocked.Exchange(ref _reporting, 1) == 1) return;
        _ = Task.Run(async () =>
        {
            try { await ReportNow(cancellationToken).ConfigureAwait(false); }
            catch (Exception e) { _log.LogDebug("Mesh report failed: {Error}", e.Message); }
            finally { Volatile.Write(ref _reporting, 0); }
        }, CancellationToken.None);
    }

    internal Task<MeshParentsResult> AskParentsAsync(string token, CancellationToken cancellationToken) => _askParents(token, Newest, cancellationToken);

    internal ILogger Log => _log;

    internal MeshBackfill Backfill => _backfill;

    /// <summary>The newest sequence number this peer holds with nothing missing before it (an attach names it so the parent backfills every gap).</summary>
    internal ushort? Newest { get { lock (_mediaGate) return _window.NewestInOrder(MeshBackfill.Capacity); } }

    private static async Task SayLeaveAsync(MeshSession s)
    {
        var leave = new byte[MeshWire.HeaderLength];
        MeshWire.Write(leave, MeshMessage.Leave, s.Family.Self);
        foreach (var link in s.Family.Parents.Concat(s.Family.Children))
            await SendQuietlyAsync(s.Socket, leave, link.Address, CancellationToken.None).ConfigureAwait(false);
    }

    internal static async Task SendQuietlyAsync(IDatagramSocket socket, ReadOnlyMemory<byte> datagram, SocketAddress to, CancellationToken cancellationToken)
    {
        try { await socket.SendToAsync(datagram, to, cancellationToken).ConfigureAwait(false); }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException) { }
    }

    public void Dispose()
    {
        _keys.Dispose();
        _attaching.Dispose();
    }
}

/// <summary>One subscription's relaying context.</summary>
internal sealed record MeshSession(IDatagramSocket Socket, SubscribeResult Subscription, PlayerPipeline Pipeline, MeshFamily Family,
    StreamVerifier Verifier, byte[] Ticket);
