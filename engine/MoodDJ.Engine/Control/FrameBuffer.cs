using System.Buffers;

namespace MoodDJ.Engine.Control;

/// <summary>A reusable receive buffer for one frame: a rented array reset before every frame.</summary>
internal sealed class FrameBuffer(int capacity) : IBufferWriter<byte>, IDisposable
{
    private byte[]? _array = ArrayPool<byte>.Shared.Rent(Math.Max(1, capacity));
    private int _written;

    public ReadOnlySpan<byte> WrittenSpan => Array.AsSpan(0, _written);

    public ReadOnlyMemory<byte> WrittenMemory => Array.AsMemory(0, _written);

    private byte[] Array => _array ?? throw new ObjectDisposedException(nameof(FrameBuffer));

    public void Reset() => _written = 0;

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        // The transport never writes more than MaxFrameBytes, which is this buffer's capacity.
        var free = Array.Length - _written;
        if (free < Math.Max(1, sizeHint))
            throw new InvalidOperationException($"The frame buffer of {Array.Length} bytes is full.");
        return Array.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, null);
        if (array is not null) ArrayPool<byte>.Shared.Return(array);
    }
}

/// <summary>Accepts a frame and throws its bytes away (used while lingering on a refused connection).</summary>
internal sealed class DiscardBuffer : IBufferWriter<byte>
{
    private readonly byte[] _scratch = new byte[4096];

    public void Advance(int count) { }

    public Memory<byte> GetMemory(int sizeHint = 0) => _scratch;

    public Span<byte> GetSpan(int sizeHint = 0) => _scratch;
}
