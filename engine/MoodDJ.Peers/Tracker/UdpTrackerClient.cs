using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using static MoodDJ.Peers.Tracker.TrackerProtocol;

namespace MoodDJ.Peers.Tracker;

/// <summary>Timeouts of <see cref="UdpTrackerClient"/>. BEP 15's are the defaults; tests and live peers use shorter ones.</summary>
public sealed record UdpTrackerClientOptions
{
    /// <summary>Attempt n waits InitialTimeout × 2^n for a reply (BEP 15: 15 s).</summary>
    public TimeSpan InitialTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Attempts before giving up (BEP 15: n = 0..8, so 9).</summary>
    public int MaxAttempts { get; init; } = 9;

    /// <summary>How long a connection id is reused (BEP 15: one minute).</summary>
    public TimeSpan ConnectionIdLifetime { get; init; } = TimeSpan.FromMinutes(1);
}

/// <summary>What one announce asks: the swarm, who we are, where we accept peers and how many we want.</summary>
public sealed record AnnounceParameters(InfoHash InfoHash, PeerId PeerId, ushort Port)
{
    public AnnounceEvent Event { get; init; } = AnnounceEvent.None;
    public int NumWant { get; init; } = -1;
    public long Left { get; init; }
    public long Downloaded { get; init; }
    public long Uploaded { get; init; }
    public uint Key { get; init; }
}

public sealed record AnnounceResult(TimeSpan Interval, int Leechers, int Seeders, IReadOnlyList<IPEndPoint> Peers);

/// <summary>
/// A BEP 15 client for one tracker: connect (retransmitting as BEP 15 says), announce, scrape. Replies
/// are checked: a reply with another transaction id is ignored and counted, one of the wrong action or
/// length throws a <see cref="TrackerException"/> naming what was wrong. One request at a time.
/// </summary>
public sealed class UdpTrackerClient : IDisposable
{
    private readonly Socket _socket;
    private readonly UdpTrackerClientOptions _options;
    private readonly SemaphoreSlim _one = new(1, 1);
    private readonly byte[] _send = new byte[ScrapeRequestHeaderLength + MaxScrapeHashes * InfoHash.Length];
    private readonly byte[] _receive = new byte[65536];
    private long _connectionId;
    private long _idValidUntil; // Environment.TickCount64; 0: no id yet
    private int _mismatched;
    private bool _lastRefused;

    public UdpTrackerClient(IPEndPoint tracker, UdpTrackerClientOptions? options = null, string? name = null)
    {
        Tracker = tracker;
        Name = name ?? $"udp://{tracker}";
        _options = options ?? new UdpTrackerClientOptions();
        if (_options.MaxAttempts < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxAttempts must be at least 1.");
        _socket = new Socket(tracker.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Connect(tracker); // a connected socket hears only the tracker's address
    }

    public IPEndPoint Tracker { get; }

    public string Name { get; }

    /// <summary>Replies ignored because their transaction id was not the one we sent (late or forged).</summary>
    public int MismatchedReplies => Volatile.Read(ref _mismatched);

    /// <summary>Gets a fresh connection id (normally implicit in announce and scrape).</summary>
    public async Task<long> ConnectAsync(CancellationToken ct = default)
    {
        await _one.WaitAsync(ct);
        try
        {
            _idValidUntil = 0;
            for (int n = 0; n < _options.MaxAttempts; n++)
                if (await TryConnectAsync(Timeout(n), ct))
                    return _connectionId;
            throw NoAnswer("connect");
        }
        finally { _one.Release(); }
    }

    public async Task<AnnounceResult> AnnounceAsync(AnnounceParameters parameters, CancellationToken ct = default)
    {
        var length = await ExchangeAsync("announce", TrackerAction.Announce, (id, tid) => TrackerCodec.WriteAnnounceRequest(_send, new AnnounceRequest(
            id, tid, parameters.InfoHash, parameters.PeerId, parameters.Downloaded, parameters.Left, parameters.Uploaded,
            parameters.Event, parameters.Key, parameters.NumWant, parameters.Port)), ct);
        // BEP 15: a reply to an announce sent over IPv6 lists IPv6 peers, 18 bytes each.
        var v6 = Tracker.AddressFamily == AddressFamily.InterNetworkV6;
        var peerLength = v6 ? Peer6Length : PeerLength;
        if (!TrackerCodec.TryReadAnnounceResponse(_receive.AsSpan(0, length), out var header, out var peerBytes, peerLength))
            throw new TrackerException($"Tracker {Name}: announce reply of {length} bytes is not 20 bytes plus whole {peerLength}-byte peers.");
        var peers = new List<IPEndPoint>(peerBytes.Length / peerLength);
        for (int i = 0; i < peerBytes.Length; i += peerLength)
        {
            var peer = v6 ? TrackerCodec.ReadPeer6(peerBytes[i..]) : TrackerCodec.ReadPeer(peerBytes[i..]);
            if (peer.Port != 0) peers.Add(peer.ToEndPoint()); // port 0: a lookup-only entry some trackers list
        }
        return new AnnounceResult(TimeSpan.FromSeconds(Math.Max(1, header.Interval)), header.Leechers, header.Seeders, peers);
    }

    public async Task<IReadOnlyList<ScrapeEntry>> ScrapeAsync(IReadOnlyList<InfoHash> hashes, CancellationToken ct = default)
    {
        if (hashes.Count is < 1 or > MaxScrapeHashes)
            throw new ArgumentOutOfRangeException(nameof(hashes), hashes.Count, $"A scrape asks about 1..{MaxScrapeHashes} info-hashes.");
        var length = await ExchangeAsync("scrape", TrackerAction.Scrape,
            (id, tid) => TrackerCodec.WriteScrapeRequest(_send, id, tid, hashes.ToArray()), ct);
        var expected = ScrapeResponseHeaderLength + hashes.Count * ScrapeEntryLength;
        if (length != expected)
            throw new TrackerException($"Tracker {Name}: scrape reply of {length} bytes for {hashes.Count} info-hashes (expected {expected}).");
        var entries = new ScrapeEntry[hashes.Count];
        for (int i = 0; i < entries.Length; i++)
            entries[i] = TrackerCodec.ReadScrapeEntry(_receive.AsSpan(ScrapeResponseHeaderLength + i * ScrapeEntryLength));
        return entries;
    }

    /// <summary>Sends a request (connecting first when the id is stale) and returns the reply's length in the receive buffer.</summary>
    private async Task<int> ExchangeAsync(string what, TrackerAction action, Func<long, int, int> write, CancellationToken ct)
    {
        await _one.WaitAsync(ct);
        try
        {
            for (int n = 0; n < _options.MaxAttempts; n++)
            {
                var timeout = Timeout(n);
                if (Environment.TickCount64 >= _idValidUntil && !await TryConnectAsync(timeout, ct))
                    continue;
                var tid = RandomNumberGenerator.GetInt32(int.MaxValue);
                var length = write(_connectionId, tid);
                await _socket.SendAsync(_send.AsMemory(0, length), SocketFlags.None, ct);
                var reply = await ReceiveAsync(tid, action, what, timeout, ct);
                if (reply > 0) return reply;
                // No answer: BEP 15 says the id may have gone stale meanwhile; get a new one next time.
                _idValidUntil = 0;
            }
            throw NoAnswer(what);
        }
        finally { _one.Release(); }
    }

    private async Task<bool> TryConnectAsync(TimeSpan timeout, CancellationToken ct)
    {
        var tid = RandomNumberGenerator.GetInt32(int.MaxValue);
        var length = TrackerCodec.WriteConnectRequest(_send, tid);
        await _socket.SendAsync(_send.AsMemory(0, length), SocketFlags.None, ct);
        var reply = await ReceiveAsync(tid, TrackerAction.Connect, "connect", timeout, ct);
        if (reply == 0) return false;
        if (!TrackerCodec.TryReadConnectResponse(_receive.AsSpan(0, reply), out _, out _connectionId))
            throw new TrackerException($"Tracker {Name}: connect reply of {reply} bytes (expected 16).");
        _idValidUntil = Environment.TickCount64 + (long)_options.ConnectionIdLifetime.TotalMilliseconds;
        return true;
    }

    /// <summary>Waits for the reply to <paramref name="tid"/>; 0 on timeout. Throws on an error reply or a reply of the wrong action.</summary>
    private async Task<int> ReceiveAsync(int tid, TrackerAction action, string what, TimeSpan timeout, CancellationToken ct)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(timeout);
        while (true)
        {
            int length;
            try
            {
                length = await _socket.ReceiveAsync(_receive, SocketFlags.None, wait.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return 0;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
            {
                // ICMP port unreachable for an earlier datagram: nobody listens yet; keep waiting out this attempt.
                _lastRefused = true;
                continue;
            }
            if (!TrackerCodec.TryReadReplyHead(_receive.AsSpan(0, length), out var replyAction, out var replyTid))
                throw new TrackerException($"Tracker {Name}: {length}-byte reply to {what} is shorter than the 8-byte header.");
            if (replyTid != tid)
            {
                Interlocked.Increment(ref _mismatched);
                continue;
            }
            if (replyAction == TrackerAction.Error)
            {
                TrackerCodec.TryReadError(_receive.AsSpan(0, length), out _, out var message);
                throw new TrackerException($"Tracker {Name} refused the {what}: {message}");
            }
            if (replyAction != action)
                throw new TrackerException($"Tracker {Name}: reply to {what} has action {(int)replyAction} (expected {(int)action}).");
            return length;
        }
    }

    private TimeSpan Timeout(int attempt) => _options.InitialTimeout * Math.Pow(2, attempt);

    private TrackerException NoAnswer(string what) => new(
        $"Tracker {Name} did not answer the {what} after {_options.MaxAttempts} attempts" +
        (_lastRefused ? " (its port is closed: ICMP port unreachable)." : ".") +
        (MismatchedReplies > 0 ? $" {MismatchedReplies} replies with a wrong transaction id were ignored." : ""));

    public void Dispose()
    {
        _socket.Dispose();
        _one.Dispose();
    }
}
