using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace MoodDJ.Station.Rtsp;

/// <summary>
/// One player's TCP connection: reads requests (and interleaved RTCP from the player), hands each to
/// <see cref="RtspMethods"/>, and writes replies and interleaved RTP through one queue, so a reply is
/// never cut into a packet. A slow reader loses packets, not the pump's time. Its sessions end with it.
/// </summary>
internal sealed class RtspConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly RtspOptions _options;
    private readonly Channel<Outgoing> _out;
    private readonly Dictionary<string, RtspSession> _sessions = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    private readonly record struct Outgoing(byte[] Buffer, int Length, bool Pooled);

    public RtspConnection(Socket socket, RtspOptions options)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _options = options;
        Remote = (IPEndPoint)socket.RemoteEndPoint!;
        _out = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(options.MaxQueuedPackets) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public IPEndPoint Remote { get; }

    public IReadOnlyCollection<RtspSession> Sessions
    {
        get { lock (_gate) return [.. _sessions.Values]; }
    }

    public void Add(RtspSession session)
    {
        lock (_gate) _sessions[session.Id] = session;
    }

    public bool TryGet(string id, out RtspSession? session)
    {
        lock (_gate) return _sessions.TryGetValue(id, out session);
    }

    public bool Remove(RtspSession session)
    {
        lock (_gate) return _sessions.Remove(session.Id);
    }

    /// <summary>Queues one interleaved packet ($, channel, length, data); false when the queue is full.</summary>
    public bool TrySendInterleaved(int channel, ReadOnlySpan<byte> packet)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(packet.Length + 4);
        buffer[0] = (byte)'$';
        buffer[1] = (byte)channel;
        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), (ushort)packet.Length);
        packet.CopyTo(buffer.AsSpan(4));
        if (_out.Writer.TryWrite(new Outgoing(buffer, packet.Length + 4, Pooled: true))) return true;
        ArrayPool<byte>.Shared.Return(buffer);
        return false;
    }

    /// <summary>Serves the connection until the player closes it, the server stops or it breaks the protocol.</summary>
    public async Task RunAsync(Func<RtspRequest, RtspConnection, CancellationToken, Task<RtspReply>> handle, CancellationToken cancellationToken)
    {
        var writing = Task.Run(() => WriteAsync(cancellationToken), CancellationToken.None);
        try
        {
            await ReadAsync(handle, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            _out.Writer.TryComplete();
            await writing.ConfigureAwait(false);
        }
    }

    private async Task ReadAsync(Func<RtspRequest, RtspConnection, CancellationToken, Task<RtspReply>> handle, CancellationToken cancellationToken)
    {
        var buffer = new byte[_options.MaxRequestBytes];
        var filled = 0;
        while (true)
        {
            RtspRequest? request;
            try
            {
                if (TakeInterleaved(buffer, ref filled)) continue;
                request = TakeRequest(buffer, ref filled);
            }
            catch (RtspException e)
            {
                await ReplyAsync(RtspReply.Error(e.Status, e.Message), cseq: null, cancellationToken);   // the framing is lost: answer once, then hang up
                return;
            }
            if (request is not null)
            {
                var reply = await handle(request, this, cancellationToken).ConfigureAwait(false);
                await ReplyAsync(reply, request.CSeq, cancellationToken).ConfigureAwait(false);
                continue;
            }
            var read = await _stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0) return;
            filled += read;
        }
    }

    /// <summary>
    /// Takes one interleaved frame from the player ($ channel length data) off the buffer: RTCP reports
    /// over TCP, which keep the sessions alive. False when none is complete.
    /// </summary>
    private bool TakeInterleaved(byte[] buffer, ref int filled)
    {
        if (filled < 4 || buffer[0] != (byte)'$') return false;
        var length = 4 + BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(2));
        if (length > buffer.Length) throw new RtspException(413, "an interleaved frame is larger than rtsp:maxRequestBytes");
        if (filled < length) return false;
        foreach (var session in Sessions) session.Touch();
        Consume(buffer, ref filled, length);
        return true;
    }

    /// <summary>Takes one whole request off the buffer, or null when it has not all arrived yet.</summary>
    private RtspRequest? TakeRequest(byte[] buffer, ref int filled)
    {
        if (filled == 0 || buffer[0] == (byte)'$') return null;
        var headEnd = RtspRequest.HeaderEnd(buffer.AsSpan(0, filled));
        if (headEnd < 0)
        {
            if (filled == buffer.Length)
                throw new RtspException(431, $"the request is larger than rtsp:maxRequestBytes ({_options.MaxRequestBytes})");
            return null;
        }
        var total = headEnd + RtspRequest.ContentLength(buffer.AsSpan(0, headEnd), _options.MaxRequestBytes - headEnd);
        if (filled < total) return null;
        var request = RtspRequest.Parse(buffer.AsSpan(0, headEnd), buffer.AsSpan(headEnd, total - headEnd));
        Consume(buffer, ref filled, total);
        return request;
    }

    private static void Consume(byte[] buffer, ref int filled, int count)
    {
        Buffer.BlockCopy(buffer, count, buffer, 0, filled - count);
        filled -= count;
    }

    private async Task ReplyAsync(RtspReply reply, int? cseq, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(reply.Write(cseq));
        await _out.Writer.WriteAsync(new Outgoing(bytes, bytes.Length, Pooled: false), cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var item in _out.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await _stream.WriteAsync(item.Buffer.AsMemory(0, item.Length), cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    if (item.Pooled) ArrayPool<byte>.Shared.Return(item.Buffer);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            _socket.Close();   // the reader sees the close and ends the connection
        }
        finally
        {
            while (_out.Reader.TryRead(out var left))
                if (left.Pooled) ArrayPool<byte>.Shared.Return(left.Buffer);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _out.Writer.TryComplete();
        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
