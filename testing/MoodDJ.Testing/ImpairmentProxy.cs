using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MoodDJ.Testing;

/// <summary>
/// A UDP forwarder on 127.0.0.1 that makes a network bad on purpose: it drops, delays, jitters,
/// reorders and duplicates datagrams on their way to one target, with a seeded random generator so a
/// run can be repeated, and a bounded queue. For tests and benchmarks of the stream path.
/// </summary>
public sealed class ImpairmentProxy : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly SocketAddress _target;
    private readonly ImpairmentOptions _options;
    private readonly Random _random;
    private readonly PriorityQueue<Held, (long ReleaseAt, long Arrival)> _queue = new();
    private readonly Stack<byte[]> _free = new();
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receive;
    private readonly Task _send;
    private long _sequence;
    private long _received, _dropped, _duplicated, _reordered, _forwarded, _overflowed, _oversized;

    private readonly record struct Held(byte[] Buffer, int Length);

    private ImpairmentProxy(IPEndPoint target, ImpairmentOptions options, IPAddress bind)
    {
        _options = options;
        _random = new Random(options.Seed);
        _target = target.Serialize();
        _socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
        {
            ReceiveBufferSize = 4 << 20,
            SendBufferSize = 4 << 20,
        };
        _socket.Bind(new IPEndPoint(bind, 0));
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _receive = Task.Run(ReceiveLoopAsync);
        _send = Task.Run(SendLoopAsync);
    }

    /// <summary>Starts a proxy on a free 127.0.0.1 port that forwards to <paramref name="target"/>.</summary>
    public static ImpairmentProxy Start(IPEndPoint target, ImpairmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new ImpairmentProxy(target, options, target.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback);
    }

    /// <summary>Where senders send.</summary>
    public IPEndPoint EndPoint { get; }

    public ImpairmentStats Stats
    {
        get { lock (_lock) return new(_received, _dropped, _duplicated, _reordered, _forwarded, _overflowed, _oversized); }
    }

    /// <summary>Datagrams waiting for their release time.</summary>
    public int Queued { get { lock (_lock) return _queue.Count; } }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[65536];
        var from = new SocketAddress(_socket.AddressFamily);
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, from, token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // an ICMP error from an earlier send; keep going
            }
            Admit(buffer.AsSpan(0, length));
        }
    }

    private void Admit(ReadOnlySpan<byte> datagram)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            _received++;
            if (datagram.Length > _options.MaxDatagramBytes) { _oversized++; return; }
            if (Chance(_options.LossPercent)) { _dropped++; return; }
            var reorder = Chance(_options.ReorderPercent);
            if (reorder) _reordered++;
            Enqueue(datagram, now + DelayTicks(reorder));
            if (Chance(_options.DuplicatePercent))
            {
                _duplicated++;
                Enqueue(datagram, now + DelayTicks(false));
            }
        }
    }

    private void Enqueue(ReadOnlySpan<byte> datagram, long releaseAt)
    {
        if (_queue.Count >= _options.MaxQueued) { _overflowed++; return; }
        var buffer = _free.Count > 0 ? _free.Pop() : new byte[_options.MaxDatagramBytes];
        datagram.CopyTo(buffer);
        // Ties keep arrival order: the release time is the priority, the arrival count breaks ties.
        _queue.Enqueue(new Held(buffer, datagram.Length), (releaseAt, _sequence++));
    }

    private long DelayTicks(bool reorder)
    {
        var delay = _options.Delay + (reorder ? _options.ReorderDelay : TimeSpan.Zero);
        if (_options.Jitter > TimeSpan.Zero) delay += _options.Jitter * _random.NextDouble();
        return (long)(delay.TotalSeconds * Stopwatch.Frequency);
    }

    private bool Chance(double percent) => percent > 0 && _random.NextDouble() * 100 < percent;

    private async Task SendLoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1));
        var token = _stop.Token;
        try
        {
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                while (TryTakeDue(out var held))
                {
                    try
                    {
                        await _socket.SendToAsync(held.Buffer.AsMemory(0, held.Length), SocketFlags.None, _target, token).ConfigureAwait(false);
                        lock (_lock) _forwarded++;
                    }
                    catch (SocketException)
                    {
                        // The target is gone for now; the datagram is lost like on a real network.
                    }
                    finally
                    {
                        lock (_lock) _free.Push(held.Buffer);
                    }
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private bool TryTakeDue(out Held held)
    {
        lock (_lock)
        {
            if (_queue.TryPeek(out held, out var due) && due.ReleaseAt <= Stopwatch.GetTimestamp())
            {
                _queue.Dequeue();
                return true;
            }
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        _socket.Dispose();
        await Task.WhenAll(_receive, _send).ConfigureAwait(false);
        _stop.Dispose();
    }
}
