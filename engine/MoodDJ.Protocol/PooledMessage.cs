using System.Buffers;

namespace MoodDJ.Protocol;

/// <summary>A whole message in a buffer rented from the shared pool; dispose it to give the buffer back.</summary>
public sealed class PooledMessage : IDisposable
{
    private byte[]? _buffer;

    internal PooledMessage(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    /// <summary>Copies <paramref name="source"/> into a rented buffer.</summary>
    public static PooledMessage CopyOf(ReadOnlySpan<byte> source)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, source.Length));
        source.CopyTo(buffer);
        return new PooledMessage(buffer, source.Length);
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => (_buffer ?? throw new ObjectDisposedException(nameof(PooledMessage))).AsMemory(0, Length);

    public ReadOnlySpan<byte> Span => Memory.Span;

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
    }
}
