using System.Buffers;

namespace MoodDJ.Protocol;

/// <summary>
/// A reusable receive buffer for one frame at a time: starts small (an idle connection holds little)
/// and grows from the shared pool up to the frame limit, then stays at its size.
/// </summary>
internal sealed class FrameBuffer(int maxCapacity, int initialCapacity = 4096) : IBufferWriter<byte>, IDisposable
{
    private byte[]? _array = ArrayPool<byte>.Shared.Rent(Math.Max(1, Math.Min(initialCapacity, maxCapacity)));
    private int _written;

    public int WrittenCount => _written;

    public ReadOnlySpan<byte> WrittenSpan => Array.AsSpan(0, _written);

    public ReadOnlyMemory<byte> WrittenMemory => Array.AsMemory(0, _written);

    private byte[] Array => _array ?? throw new ObjectDisposedException(nameof(FrameBuffer));

    public void Reset() => _written = 0;

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        var needed = _written + Math.Max(1, sizeHint);
        if (needed > Array.Length) Grow(needed);
        return Array.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    private void Grow(int needed)
    {
        // The transport never writes more than the frame limit, which bounds this buffer.
        if (needed > maxCapacity)
            throw new InvalidOperationException($"A frame would exceed the buffer limit of {maxCapacity} bytes.");
        var size = Math.Min(maxCapacity, Math.Max(needed, Array.Length * 2));
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        Array.AsSpan(0, _written).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(Array);
        _array = bigger;
    }

    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, null);
        if (array is not null) ArrayPool<byte>.Shared.Return(array);
    }
}

/// <summary>Accepts a frame and throws its bytes away (used while lingering on a refused connection).</summary>
public sealed class DiscardBuffer : IBufferWriter<byte>
{
    private readonly byte[] _scratch = new byte[4096];

    public void Advance(int count) { }

    public Memory<byte> GetMemory(int sizeHint = 0) => _scratch;

    public Span<byte> GetSpan(int sizeHint = 0) => _scratch;
}
