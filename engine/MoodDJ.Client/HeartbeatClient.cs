using System.Diagnostics;
using System.Net;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Media;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Client;

/// <summary>Why a listener's subscription ended, as its heartbeats saw it.</summary>
public enum SubscriptionLoss
{
    /// <summary>The caller stopped the heartbeats.</summary>
    Stopped,

    /// <summary>The station answered "unknown": it expired us or restarted. Subscribe again.</summary>
    Forgotten,

    /// <summary>No answer for longer than the expiry: the station is down or unreachable.</summary>
    Silent,
}

/// <summary>
/// The listener's side of the heartbeat protocol: sends a heartbeat every interval from its own
/// small socket, reads the answers, and returns as soon as the subscription is known to be lost, so
/// the player can re-subscribe instead of waiting out a silent stream. Every heartbeat is a time
/// request: the answers feed <see cref="Clock"/>, the station clock estimate synchronized play-out
/// uses. A burst of requests at start gives a late joiner an estimate within ~100 ms, then one
/// goes every <see cref="ClockProbeInterval"/> (or the heartbeat interval, if shorter).
/// </summary>
public sealed class HeartbeatClient : IDisposable
{
    private readonly IDatagramSocket _socket;
    private readonly IPEndPoint _station;
    private readonly SocketAddress _stationAddress;
    private readonly StampedDatagramReceiver _receiver;
    private readonly UInt128 _token;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _expiry;
    private long _lastAlive = Stopwatch.GetTimestamp();
    private long _alive;
    private long _sentAt;
    private uint _sequence;
    private readonly ulong[] _sentNtp = new ulong[16];

    /// <summary>Time requests sent back to back at start.</summary>
    public const int ClockBurst = 6;

    /// <summary>The station clock as the answers show it.</summary>
    public ClockOffsetEstimator Clock { get; } = new();

    /// <summary>How often a time request goes once the start burst is done.</summary>
    public static readonly TimeSpan ClockProbeInterval = TimeSpan.FromMilliseconds(500);

    public HeartbeatClient(IStreamTransport transport, IPEndPoint station, UInt128 token, TimeSpan interval, TimeSpan expiry, IPAddress? localAddress = null)
    {
        _socket = transport.Open(new DatagramSocketOptions
        {
            LocalEndPoint = new IPEndPoint(localAddress ?? (station.Address.Equals(IPAddress.Loopback) ? IPAddress.Loopback : IPAddress.Any), 0),
            ReceiveBufferBytes = 64 * 1024,
            SendBufferBytes = 64 * 1024,
        });
        _station = station;
        _stationAddress = station.Serialize();
        _receiver = new StampedDatagramReceiver(_socket);
        _token = token;
        _interval = interval;
        _expiry = expiry;
    }

    /// <summary>True when answers are stamped with the kernel's receive time (Linux, the UDP transport).</summary>
    public bool KernelTimestamps => _receiver.KernelTimestamps;

    /// <summary>Alive answers received.</summary>
    public long AliveReplies => Interlocked.Read(ref _alive);

    /// <summary>Round trip of the last answered heartbeat.</summary>
    public TimeSpan? LastRoundTrip { get; private set; }

    /// <summary>Heartbeats until <paramref name="cancellationToken"/> fires or the subscription is lost.</summary>
    public async Task<SubscriptionLoss> RunAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var receiving = ReceiveAsync(linked.Token);
        try
        {
            var period = _interval < ClockProbeInterval ? _interval : ClockProbeInterval;
            using var timer = new PeriodicTimer(period);
            var datagram = new byte[HeartbeatDatagram.TimeSize];
            var sent = 0;
            do
            {
                if (receiving.IsCompleted)
                    return await receiving.ConfigureAwait(false);
                if (Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastAlive)) > _expiry)
                    return SubscriptionLoss.Silent;
                await SendTimeRequestAsync(datagram, linked.Token).ConfigureAwait(false);
                if (++sent < ClockBurst)
                {
                    // The start burst: a handful of round trips, spaced so that one queued datagram does not delay them all.
                    await Task.Delay(20, linked.Token).ConfigureAwait(false);
                    continue;
                }
            }
            while (await WaitAsync(timer, receiving, linked.Token).ConfigureAwait(false));
            return receiving.IsCompletedSuccessfully ? receiving.Result : SubscriptionLoss.Stopped;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return SubscriptionLoss.Stopped;
        }
        finally
        {
            linked.Cancel();
            try { await receiving.ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
    }

    private async Task SendTimeRequestAsync(byte[] datagram, CancellationToken cancellationToken)
    {
        var sequence = ++_sequence;
        Interlocked.Exchange(ref _sentAt, Stopwatch.GetTimestamp());
        // t1 is read last, right before the send (to a pre-serialized address: no work between).
        var now = MediaClock.Shared.Now;
        Volatile.Write(ref _sentNtp[sequence % (uint)_sentNtp.Length], now);
        new HeartbeatDatagram(HeartbeatType.TimeRequest, _token, sequence).WriteTimeTo(datagram, now, 0);
        try
        {
            await _socket.SendToAsync(datagram, _stationAddress, cancellationToken).ConfigureAwait(false);
        }
        catch (System.Net.Sockets.SocketException) { /* station unreachable right now: the expiry decides */ }
    }

    /// <summary>Sends one Leave so the station stops at once (best effort).</summary>
    public async ValueTask LeaveAsync(CancellationToken cancellationToken = default)
    {
        var datagram = new byte[HeartbeatDatagram.Size];
        new HeartbeatDatagram(HeartbeatType.Leave, _token, ++_sequence).WriteTo(datagram);
        try { await _socket.SendToAsync(datagram, _station, cancellationToken).ConfigureAwait(false); }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or OperationCanceledException) { }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, Task<SubscriptionLoss> receiving, CancellationToken cancellationToken)
    {
        var tick = timer.WaitForNextTickAsync(cancellationToken).AsTask();
        await Task.WhenAny(tick, receiving).ConfigureAwait(false);
        return !receiving.IsCompleted && await tick.ConfigureAwait(false);
    }

    private async Task<SubscriptionLoss> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[512];
        var from = _socket.CreateAddressBuffer();
        while (true)
        {
            int length;
            long arrivedAt;
            try
            {
                // t4 is the kernel's receive stamp where it can be: this loop's wake-up is no part of it.
                (length, arrivedAt) = await _receiver.ReceiveFromAsync(buffer, from, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { return SubscriptionLoss.Stopped; }
            if (!HeartbeatDatagram.TryRead(buffer.AsSpan(0, length), out var answer) || answer.Token != _token)
                continue;
            if (answer.Type == HeartbeatType.Unknown)
                return SubscriptionLoss.Forgotten;
            if (answer.Type == HeartbeatType.TimeReply)
            {
                var arrived = MediaClock.Shared.At(arrivedAt);
                var (t2, t3) = HeartbeatDatagram.ReadTimes(buffer.AsSpan(0, length));
                // Only the answer to a request still in the ring counts (older ones were overwritten).
                if (_sequence - answer.Sequence < (uint)_sentNtp.Length)
                    Clock.Add(Volatile.Read(ref _sentNtp[answer.Sequence % (uint)_sentNtp.Length]), t2, t3, arrived);
            }
            if (answer.Type is HeartbeatType.Alive or HeartbeatType.TimeReply)
            {
                Interlocked.Increment(ref _alive);
                Interlocked.Exchange(ref _lastAlive, Stopwatch.GetTimestamp());
                if (answer.Sequence == _sequence)
                    LastRoundTrip = Stopwatch.GetElapsedTime(Interlocked.Read(ref _sentAt));
            }
        }
    }

    public void Dispose() => _socket.Dispose();
}
