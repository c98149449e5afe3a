using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using static MoodDJ.Peers.Tracker.TrackerProtocol;

namespace MoodDJ.Peers.Tracker;

/// <summary>
/// A BEP 15 UDP tracker, on IPv4 or on IPv6 (one family per instance; an IPv6 tracker lists 18-byte IPv6
/// peers, as BEP 15 says for announces sent over IPv6, and takes no IPv4 on its socket). Connection ids come from <see cref="ConnectionIds"/>, so connects
/// cost no state and an announce registers only the address it came from. A request without a valid id
/// is dropped (counted as spoofed) and never answered with more bytes than it carried: no amplification.
/// Bad datagrams are counted and dropped; the receive loop never stops on bad input.
/// </summary>
public sealed class UdpTrackerServer : IAsyncDisposable
{
    private readonly UdpTrackerServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ConnectionIds _ids;
    private readonly SwarmTable _swarms;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _receive;
    private readonly byte[] _send;
    private readonly uint _loopbackAs;
    private readonly bool _v6;
    private Socket? _socket;
    private Task _loops = Task.CompletedTask;
    private long _connects, _announces, _scrapes, _junk, _truncated, _oversized, _spoofed, _unknown, _refused, _failures;

    public UdpTrackerServer(UdpTrackerServerOptions options, TimeProvider? time = null)
    {
        options.Validate();
        _options = options;
        _time = time ?? TimeProvider.System;
        _ids = new ConnectionIds(options.ConnectionIdSlice, _time);
        _swarms = new SwarmTable(options.MaxSwarms, options.MaxPeersPerSwarm);
        _swarms.Notice += n => Notice?.Invoke(n);
        _receive = new byte[options.MaxRequestBytes + 1];
        _loopbackAs = options.LoopbackPeersAs is { } a ? BinaryPrimitives.ReadUInt32BigEndian(a.GetAddressBytes()) : 0;
        _v6 = options.EndPoint.AddressFamily == AddressFamily.InterNetworkV6;
        _send = new byte[Math.Max(AnnounceResponseHeaderLength + options.MaxNumWant * Peer6Length, ScrapeResponseHeaderLength + MaxScrapeHashes * ScrapeEntryLength)];
    }

    /// <summary>New swarms and peers, stops and expiries; raised on the receive loop (keep handlers short).</summary>
    public event Action<TrackerNotice>? Notice;

    public IPEndPoint LocalEndPoint => (IPEndPoint)(_socket ?? throw new InvalidOperationException("The tracker is not started.")).LocalEndPoint!;

    public UdpTrackerServerOptions Options => _options;

    public TrackerCounters Counters
    {
        get
        {
            lock (_gate)
                return new TrackerCounters(Interlocked.Read(ref _connects), Interlocked.Read(ref _announces), Interlocked.Read(ref _scrapes),
                    Interlocked.Read(ref _junk), Interlocked.Read(ref _truncated), Interlocked.Read(ref _oversized), Interlocked.Read(ref _spoofed),
                    Interlocked.Read(ref _unknown), Interlocked.Read(ref _refused), Interlocked.Read(ref _failures), _swarms.SwarmCount, _swarms.PeerCount);
        }
    }

    /// <summary>Binds the socket (throws a clear SocketException if the port is taken) and starts serving.</summary>
    public void Start()
    {
        if (_socket is not null) throw new InvalidOperationException("The tracker is already started.");
        if (_options.EndPoint.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            throw new ArgumentException($"The tracker serves IPv4 or IPv6; {_options.EndPoint} is neither.");
        var socket = new Socket(_options.EndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // One family per tracker: IPv4-mapped senders on an IPv6 socket would get IPv6 lists of IPv4 peers.
            if (_v6) socket.DualMode = false;
            socket.Bind(_options.EndPoint);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _socket = socket;
        _loops = Task.WhenAll(Task.Run(() => ReceiveLoopAsync(socket, _stop.Token)), Task.Run(() => ExpireLoopAsync(_stop.Token)));
    }

    private async Task ReceiveLoopAsync(Socket socket, CancellationToken ct)
    {
        var from = new SocketAddress(_options.EndPoint.AddressFamily);
        while (!ct.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await socket.ReceiveFromAsync(_receive, SocketFlags.None, from, ct);
            }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { continue; } // e.g. an ICMP error for an earlier reply: not fatal.
            try
            {
                var reply = Handle(_receive.AsSpan(0, length), from);
                if (reply > 0) await socket.SendToAsync(_send.AsMemory(0, reply), SocketFlags.None, from, ct);
            }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (Exception)
            {
                // Never let one datagram stop the tracker; the counter shows it happened.
                Interlocked.Increment(ref _failures);
            }
        }
    }

    private async Task ExpireLoopAsync(CancellationToken ct)
    {
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(50).Ticks, _options.PeerExpiry.Ticks / 4));
        using var timer = new PeriodicTimer(period, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
                lock (_gate) _swarms.Expire(_time.GetUtcNow().UtcTicks - _options.PeerExpiry.Ticks);
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Handles one datagram; returns the length of the reply in the send buffer (0: no reply).</summary>
    private int Handle(ReadOnlySpan<byte> packet, SocketAddress from)
    {
        if (packet.Length > _options.MaxRequestBytes) return Count(ref _oversized);
        if (packet.Length < ConnectRequestLength) return Count(ref _truncated);
        // sockaddr_in: port at 2, address at 4; sockaddr_in6: port at 2, flow info at 4, address at 8.
        UInt128 address = _v6 ? BinaryPrimitives.ReadUInt128BigEndian(from.Buffer.Span[8..]) : BinaryPrimitives.ReadUInt32BigEndian(from.Buffer.Span[4..]);
        var connectionId = BinaryPrimitives.ReadInt64BigEndian(packet);
        var action = BinaryPrimitives.ReadInt32BigEndian(packet[8..]);
        var transactionId = BinaryPrimitives.ReadInt32BigEndian(packet[12..]);
        switch (action)
        {
            case (int)TrackerAction.Connect:
                if (connectionId != ProtocolId) return Count(ref _junk);
                Interlocked.Increment(ref _connects);
                // 16 bytes out for 16 in: a connect cannot amplify.
                return TrackerCodec.WriteConnectResponse(_send, transactionId, _ids.Issue(address));
            case (int)TrackerAction.Announce:
                if (packet.Length < AnnounceRequestLength) return Count(ref _truncated);
                if (!_ids.IsValid(address, connectionId)) return Count(ref _spoofed);
                TrackerCodec.TryReadAnnounceRequest(packet, out var announce);
                Interlocked.Increment(ref _announces);
                return Announce(announce, address, packet.Length);
            case (int)TrackerAction.Scrape:
                if (packet.Length < ScrapeRequestHeaderLength + InfoHash.Length) return Count(ref _truncated);
                if (!_ids.IsValid(address, connectionId)) return Count(ref _spoofed);
                TrackerCodec.TryReadScrapeRequest(packet, out _, out _, out var hashes);
                Interlocked.Increment(ref _scrapes);
                return Scrape(transactionId, hashes);
            default:
                Interlocked.Increment(ref _unknown);
                // Only a proven sender hears why, and never in more bytes than it sent.
                return _ids.IsValid(address, connectionId)
                    ? TrackerCodec.WriteError(_send.AsSpan(0, Math.Min(_send.Length, packet.Length)), transactionId, $"unknown action {action}")
                    : 0;
        }
    }

    private int Announce(in AnnounceRequest request, UInt128 address, int requestLength)
    {
        // A peer on the tracker's own machine is listed under the machine's LAN address when one is configured (IPv4).
        var listed = !_v6 && _loopbackAs != 0 && ((uint)address >> 24) == 127 ? _loopbackAs : address;
        var self = new TrackerPeer(listed, request.Port, _v6);
        var now = _time.GetUtcNow().UtcTicks;
        lock (_gate)
        {
            if (request.Event == AnnounceEvent.Stopped)
                _swarms.Remove(request.InfoHash, self);
            else if (request.Port != 0) // port 0: a lookup by a peer that accepts no connections; listed nowhere.
            {
                var refusal = _swarms.Upsert(request.InfoHash, self, request.Left == 0, request.Event == AnnounceEvent.Completed, now);
                if (refusal != AnnounceRefusal.None)
                {
                    Interlocked.Increment(ref _refused);
                    var message = refusal == AnnounceRefusal.TooManySwarms
                        ? $"tracker full: {_options.MaxSwarms} swarms"
                        : $"swarm full: {_options.MaxPeersPerSwarm} peers";
                    return TrackerCodec.WriteError(_send.AsSpan(0, Math.Min(_send.Length, requestLength)), request.TransactionId, message);
                }
            }
            var counts = _swarms.Counts(request.InfoHash);
            var want = request.Event == AnnounceEvent.Stopped ? 0 : request.NumWant < 0 ? _options.MaxNumWant : Math.Min(request.NumWant, _options.MaxNumWant);
            var written = TrackerCodec.WriteAnnounceResponseHeader(_send, new AnnounceResponseHeader(
                request.TransactionId, (int)Math.Max(1, _options.AnnounceInterval.TotalSeconds), counts.Leechers, counts.Seeders));
            var peers = _swarms.WritePeers(request.InfoHash, self, want, _send.AsSpan(written));
            return written + peers * (_v6 ? Peer6Length : PeerLength);
        }
    }

    private int Scrape(int transactionId, ReadOnlySpan<byte> hashes)
    {
        var written = TrackerCodec.WriteScrapeResponseHeader(_send, transactionId);
        var count = Math.Min(hashes.Length / InfoHash.Length, MaxScrapeHashes);
        lock (_gate)
            for (int i = 0; i < count; i++)
                written += TrackerCodec.WriteScrapeEntry(_send.AsSpan(written), _swarms.Counts(InfoHash.Read(hashes[(i * InfoHash.Length)..])));
        return written;
    }

    private static int Count(ref long counter)
    {
        Interlocked.Increment(ref counter);
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        _socket?.Dispose();
        try { await _loops; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
