using System.Buffers;

namespace MoodDJ.Protocol;

/// <summary>
/// Rebuilds messages from the parts of a split (see <see cref="SplitHeader"/>), enforcing
/// <see cref="MessageLimits"/>. Any violation throws <see cref="ControlProtocolException"/>; the
/// caller drops the connection. Not thread-safe: one per receiving connection.
/// </summary>
public sealed class MessageReassembler(MessageLimits limits) : IDisposable
{
    private readonly Dictionary<uint, Partial> _partials = new();
    private uint _lastMessageId;
    private long _reservedBytes;

    /// <summary>Messages currently partly received.</summary>
    public int PartialCount => _partials.Count;

    /// <summary>Bytes reserved for the partial messages.</summary>
    public long ReservedBytes => _reservedBytes;

    /// <summary>
    /// Adds one frame's plaintext. Returns true with the whole message when this was its last part;
    /// false while parts are missing.
    /// </summary>
    public bool TryAdd(ReadOnlySpan<byte> frame, out PooledMessage? message)
    {
        message = null;
        if (!SplitHeader.TryRead(frame, out var header, out var error))
            throw Violation(error!);
        var chunk = frame[SplitHeader.Size..];
        if (header.TotalLength > (uint)limits.MaxMessageBytes)
            throw Violation($"message {header.MessageId} declares {header.TotalLength} bytes, over the limit of {limits.MaxMessageBytes} bytes");

        if (header.PartIndex == 0)
            return Begin(header, chunk, out message);

        if (!_partials.TryGetValue(header.MessageId, out var partial))
            throw Violation($"part {header.PartIndex} of message {header.MessageId}, which was never started (or already finished)");
        if (header.PartIndex != partial.NextPart)
            throw Violation($"part {header.PartIndex} of message {header.MessageId} arrived where part {partial.NextPart} was expected");
        if (header.TotalLength != partial.Total)
            throw Violation($"message {header.MessageId} changed its declared size from {partial.Total} to {header.TotalLength} bytes");
        if (chunk.Length > partial.Total - partial.Received)
            throw Violation($"message {header.MessageId} overruns its declared size of {partial.Total} bytes");
        chunk.CopyTo(partial.Buffer.AsSpan(partial.Received));
        partial.Received += chunk.Length;
        partial.NextPart++;
        if (!header.IsLast) return false;

        _partials.Remove(header.MessageId);
        _reservedBytes -= partial.Total;
        if (partial.Received != partial.Total)
        {
            ArrayPool<byte>.Shared.Return(partial.Buffer);
            throw Violation($"message {header.MessageId} ended after {partial.Received} of its declared {partial.Total} bytes");
        }
        message = new PooledMessage(partial.Buffer, partial.Total);
        return true;
    }

    private bool Begin(SplitHeader header, ReadOnlySpan<byte> chunk, out PooledMessage? message)
    {
        message = null;
        // Ids only grow, so a replayed or reordered message is caught even without crypto.
        if (header.MessageId <= _lastMessageId)
            throw Violation($"message id {header.MessageId} is not above the previous id {_lastMessageId} (replayed or reordered frame)");
        _lastMessageId = header.MessageId;
        var total = (int)header.TotalLength;
        if (chunk.Length > total)
            throw Violation($"message {header.MessageId} overruns its declared size of {total} bytes");
        if (header.IsLast)
        {
            if (chunk.Length != total)
                throw Violation($"message {header.MessageId} ended after {chunk.Length} of its declared {total} bytes");
            message = PooledMessage.CopyOf(chunk);
            return true;
        }
        if (_partials.Count >= limits.MaxPartialMessages)
            throw Violation($"more than {limits.MaxPartialMessages} partial messages at once");
        if (_reservedBytes + total > limits.MaxReassemblyBytes)
            throw Violation($"partial messages would hold {_reservedBytes + total} bytes, over the limit of {limits.MaxReassemblyBytes} bytes");
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, total));
        chunk.CopyTo(buffer);
        _partials.Add(header.MessageId, new Partial(buffer, total) { Received = chunk.Length, NextPart = 1 });
        _reservedBytes += total;
        return false;
    }

    public void Dispose()
    {
        foreach (var partial in _partials.Values)
            ArrayPool<byte>.Shared.Return(partial.Buffer);
        _partials.Clear();
        _reservedBytes = 0;
    }

    private static ControlProtocolException Violation(string what) => new(ControlDropReason.MessageProtocol, $"Message split violated: {what}.");

    private sealed class Partial(byte[] buffer, int total)
    {
        public byte[] Buffer { get; } = buffer;
        public int Total { get; } = total;
        public int Received { get; set; }
        public int NextPart { get; set; }
    }
}
