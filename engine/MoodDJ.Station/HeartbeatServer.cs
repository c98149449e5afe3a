using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Protocol;

namespace MoodDJ.Station;

/// <summary>
/// Serves the heartbeat port: stamps listeners alive, answers each valid heartbeat with a same-size
/// reply (Alive, or Unknown so the listener re-subscribes), honours Leave, and counts and drops
/// everything else without answering. A global rate cap keeps a flood from eating the CPU.
/// One heartbeat port serves every station of a server: the directory finds the token's station.
/// </summary>
internal sealed class HeartbeatServer
{
    private readonly IDatagramSocket _socket;
    private readonly IListenerDirectory _listeners;
    private readonly StationCounters _counters;
    private readonly int _maxPerSecond;
    private readonly ILogger _log;

    public HeartbeatServer(IDatagramSocket socket, IListenerDirectory listeners, StationCounters counters, int maxPerSecond, ILogger log)
    {
        _socket = socket;
        _listeners = listeners;
        _counters = counters;
        _maxPerSecond = maxPerSecond;
        _log = log;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[2048];
        var reply = new byte[HeartbeatDatagram.TimeSize];
        var clock = MoodDJ.Media.MediaClock.Shared;
        var receiver = new StampedDatagramReceiver(_socket);
        var from = _socket.CreateAddressBuffer();
        long windowStart = Stopwatch.GetTimestamp();
        var inWindow = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            StampedDatagram received;
            try
            {
                // The arrival time is the kernel's where it can be (t2 of a time request): this loop's own wake-up is no part of it.
                received = await receiver.ReceiveFromAsync(buffer, from, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException ex)
            {
                // ICMP port-unreachable from an earlier reply surfaces here on some stacks; it says nothing about us.
                _log.LogDebug("Heartbeat socket: {Error}", ex.SocketErrorCode);
                continue;
            }

            var arrived = clock.At(received.ArrivedAt);
            if (Stopwatch.GetElapsedTime(windowStart).TotalSeconds >= 1)
            {
                windowStart = Stopwatch.GetTimestamp();
                inWindow = 0;
            }
            if (++inWindow > _maxPerSecond)
            {
                Interlocked.Increment(ref _counters.heartbeatsRateLimited);
                continue;
            }

            if (!HeartbeatDatagram.TryRead(buffer.AsSpan(0, received.Length), out var datagram)
                || datagram.Type is not (HeartbeatType.Heartbeat or HeartbeatType.Leave or HeartbeatType.TimeRequest))
            {
                Interlocked.Increment(ref _counters.heartbeatJunk);
                continue;
            }

            Interlocked.Increment(ref _counters.heartbeats);
            HeartbeatType answer;
            if (datagram.Type == HeartbeatType.Leave)
            {
                _listeners.Remove(datagram.Token);
                continue;
            }
            if (_listeners.TryTouch(datagram.Token))
                answer = HeartbeatType.Alive;
            else
            {
                Interlocked.Increment(ref _counters.unknownTokens);
                answer = HeartbeatType.Unknown;
            }

            int replyLength;
            if (datagram.Type == HeartbeatType.TimeRequest && answer == HeartbeatType.Alive)
            {
                // Same size as the request (no amplification): when it arrived and when the answer leaves,
                // on the clock sender reports use, so players can place frames on the station's time line.
                // t3 is read last, right before the send.
                replyLength = new HeartbeatDatagram(HeartbeatType.TimeReply, datagram.Token, datagram.Sequence)
                    .WriteTimeTo(reply, arrived, clock.Now);
            }
            else
            {
                replyLength = new HeartbeatDatagram(answer, datagram.Token, datagram.Sequence).WriteTo(reply);
            }
            try
            {
                await _socket.SendToAsync(reply.AsMemory(0, replyLength), from, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { /* the listener's port is gone; its subscription will expire */ }
        }
    }
}
