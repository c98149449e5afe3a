namespace MoodDJ.Peers.Mesh;

/// <summary>
/// The last <see cref="Capacity"/> verified datagrams a peer relayed, so a child that re-attaches
/// after losing its parent gets the packets it missed (those after the sequence number its attach
/// names) before its jitter buffer runs dry. Preallocated; written and read on the receive loop only.
/// </summary>
internal sealed class MeshBackfill
{
    public const int Capacity = 128;

    private readonly byte[][] _packets = new byte[Capacity][];
    private readonly int[] _lengths = new int[Capacity];
    private readonly ushort[] _sequences = new ushort[Capacity];
    private int _next, _count;

    public MeshBackfill()
    {
        for (var i = 0; i < Capacity; i++) _packets[i] = new byte[1500];
    }

    public void Add(ReadOnlySpan<byte> datagram, ushort sequence)
    {
        if (datagram.Length > 1500) return;
        datagram.CopyTo(_packets[_next]);
        _lengths[_next] = datagram.Length;
        _sequences[_next] = sequence;
        _next = (_next + 1) % Capacity;
        if (_count < Capacity) _count++;
    }

    /// <summary>The held datagram with <paramref name="sequence"/>, if it is still held.</summary>
    public bool TryGet(ushort sequence, out ReadOnlyMemory<byte> packet)
    {
        for (var i = 0; i < _count; i++)
        {
            var slot = (_next - 1 - i + Capacity) % Capacity;
            if (_sequences[slot] != sequence) continue;
            packet = _packets[slot].AsMemory(0, _lengths[slot]);
            return true;
        }
        packet = default;
        return false;
    }

    /// <summary>The held datagrams newer than <paramref name="after"/> (RTP sequence order, wrap-aware), oldest first.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> After(ushort after)
    {
        for (var i = 0; i < _count; i++)
        {
            var slot = (_next - _count + i + Capacity) % Capacity;
            var delta = (short)(_sequences[slot] - after);
            if (delta > 0) yield return _packets[slot].AsMemory(0, _lengths[slot]);
        }
    }
}
