using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using MoodDJ.Abstractions.Transport;

namespace MoodDJ.Plugins.TcpControl;

/// <summary>
/// One TCP connection carrying length-prefixed frames: [u32 big-endian length][payload]. One
/// receiver and any number of senders may use it at once (sends are serialized).
/// </summary>
internal sealed class TcpFrameConnection : IFrameConnection
{
    internal const int HeaderBytes = 4;

    private readonly Socket _socket;
    private readonly ControlLimits _limits;
    private readonly CancellationTokenSource _closed = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    // Not pooled: a receive may still be pending on it when another thread aborts the connection.
    private readonly byte[] _receiveBuffer;
    private int _start;
    private int _end;
    private string? _abortReason;

    public TcpFrameConnection(Socket socket, ControlLimits limits, TcpControlOptions options)
    {
        _socket = socket;
        _limits = limits;
        _receiveBuffer = new byte[Math.Max(HeaderBytes, options.ReceiveBufferBytes)];
        RemoteEndPoint = socket.RemoteEndPoint ?? new IPEndPoint(IPAddress.None, 0);
        Closed = _closed.Token;
    }

    public EndPoint RemoteEndPoint { get; }

    public CancellationToken Closed { get; }

    /// <summary>Why the connection was aborted, or null.</summary>
    public string? AbortReason => _abortReason;

    public async ValueTask SendFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default)
    {
        if (frame.Length > _limits.MaxFrameBytes)
            throw new ArgumentException($"A frame of {frame.Length} bytes exceeds the limit of {_limits.MaxFrameBytes} bytes.", nameof(frame));
        var total = HeaderBytes + frame.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)frame.Length);
            frame.Span.CopyTo(buffer.AsSpan(HeaderBytes));
            await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var sent = 0;
                while (sent < total)
                    sent += await _socket.SendAsync(buffer.AsMemory(sent, total - sent), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            throw Failure(e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async ValueTask<bool> ReceiveFrameAsync(IBufferWriter<byte> destination, CancellationToken cancellationToken = default)
    {
        try
        {
            while (_end - _start < HeaderBytes)
            {
                if (!await FillAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (_end == _start) return false;
                    throw Violation($"the peer closed the connection inside a frame header ({_end - _start} of {HeaderBytes} bytes)");
                }
            }
            var length = BinaryPrimitives.ReadUInt32BigEndian(_receiveBuffer.AsSpan(_start));
            if (length > (uint)_limits.MaxFrameBytes)
                throw Violation($"a frame of {length} bytes exceeds the limit of {_limits.MaxFrameBytes} bytes");
            _start += HeaderBytes;

            var remaining = (int)length;
            while (remaining > 0)
            {
                var buffered = _end - _start;
                if (buffered > 0)
                {
                    var span = destination.GetSpan(Math.Min(buffered, remaining));
                    var n = Math.Min(Math.Min(buffered, remaining), span.Length);
                    _receiveBuffer.AsSpan(_start, n).CopyTo(span);
                    destination.Advance(n);
                    _start += n;
                    remaining -= n;
                    continue;
                }
                if (remaining >= _receiveBuffer.Length / 2)
                {
                    // Large body: read straight into the caller's buffer instead of copying twice.
                    var target = destination.GetMemory(remaining);
                    if (target.Length > remaining) target = target[..remaining];
                    var read = await _socket.ReceiveAsync(target, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                    if (read == 0) throw Truncated(length, remaining);
                    destination.Advance(read);
                    remaining -= read;
                    continue;
                }
                if (!await FillAsync(cancellationToken).ConfigureAwait(false))
                    throw Truncated(length, remaining);
            }
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            throw Failure(e);
        }
    }

    public void Abort(string reason)
    {
        Interlocked.CompareExchange(ref _abortReason, reason, null);
        Close();
    }

    public ValueTask DisposeAsync()
    {
        Interlocked.CompareExchange(ref _abortReason, "closed locally", null);
        try
        {
            // Let queued bytes (a final error reply) reach the peer before the close.
            if (_socket.Connected) _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        Close();
        return ValueTask.CompletedTask;
    }

    private void Close()
    {
        _socket.Dispose();
        try
        {
            _closed.Cancel();
        }
        catch (AggregateException)
        {
            // A callback on Closed failed; the connection is closed regardless.
        }
    }

    /// <summary>Reads more bytes into the receive buffer; false when the peer closed.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _receiveBuffer.AsSpan(_start, _end - _start).CopyTo(_receiveBuffer);
            _end -= _start;
            _start = 0;
        }
        var read = await _socket.ReceiveAsync(_receiveBuffer.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            Close();
            return false;
        }
        _end += read;
        return true;
    }

    private FrameProtocolException Truncated(uint length, int remaining)
        => Violation($"the peer closed the connection inside a frame ({length - remaining} of {length} bytes received)");

    private FrameProtocolException Violation(string what)
    {
        Abort(what);
        return new FrameProtocolException($"Control frame rejected from {RemoteEndPoint}: {what}.");
    }

    private IOException Failure(Exception e)
    {
        var reason = _abortReason;
        Close();
        if (reason is not null)
            return new IOException($"Control connection to {RemoteEndPoint} was closed ({reason}).", e);
        var what = e is SocketException s ? s.SocketErrorCode.ToString() : "disposed";
        return new IOException($"Control connection to {RemoteEndPoint} failed: {what}.", e);
    }
}
