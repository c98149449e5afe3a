namespace MoodDJ.Peers.Mesh;

/// <summary>
/// Which RTP sequence numbers a peer already took, over the last <see cref="Size"/>: the second
/// copy (from a second parent) and any replay are refused before they are played or forwarded.
/// Packets older than the window are refused too. No allocation after construction.
/// </summary>
public sealed class SequenceWindow
{
    public const int Size = 1024;

    private readonly bool[] _seen = new bool[Size];
    private long _highest = -1;   // extended sequence number (16-bit sequence plus rollovers)
    private long _first = -1;     // the first one taken: nothing before it counts as missing

    /// <summary>True the first time a sequence number is offered within the window.</summary>
    public bool TryAccept(ushort sequence) => TryAccept(sequence, out _);

    /// <summary>
    /// As <see cref="TryAccept(ushort)"/>; <paramref name="skipped"/> is how many sequence numbers this one
    /// jumped over (0 unless it is newer than the newest by more than one): the gap to ask for again.
    /// </summary>
    public bool TryAccept(ushort sequence, out int skipped)
    {
        skipped = 0;
        if (_highest < 0)
        {
            _highest = _first = sequence;
            _seen[sequence % Size] = true;
            return true;
        }
        var extended = Extend(sequence);
        if (extended > _highest)
        {
            // Clear the slots the window slides over.
            var steps = Math.Min(extended - _highest, Size);
            for (long s = 1; s <= steps; s++)
                _seen[(_highest + s) % Size] = false;
            skipped = (int)Math.Min(extended - _highest - 1, int.MaxValue);
            _highest = extended;
            _seen[extended % Size] = true;
            return true;
        }
        if (_highest - extended >= Size) return false;
        ref var slot = ref _seen[extended % Size];
        if (slot) return false;
        slot = true;
        return true;
    }

    /// <summary>
    /// True when <paramref name="sequence"/> was already taken (within the window), without taking it:
    /// lets a relay drop a second parent's copy before spending a signature check on it.
    /// </summary>
    public bool AlreadyTaken(ushort sequence)
    {
        if (_highest < 0) return false;
        var extended = Extend(sequence);
        return extended <= _highest && _highest - extended < Size && _seen[extended % Size];
    }

    public void Reset() => _highest = _first = -1;

    /// <summary>True when the packet <paramref name="back"/> numbers before the newest was never taken (a hole still open).</summary>
    public bool MissingBehindNewest(int back) =>
        _highest >= 0 && back > 0 && back < Size && _highest - back >= _first && !_seen[(_highest - back) % Size];

    /// <summary>The newest sequence number taken, or null before the first.</summary>
    public ushort? Newest => _highest < 0 ? null : (ushort)(_highest & 0xFFFF);

    /// <summary>
    /// The newest sequence number before the oldest hole among the last <paramref name="lookBack"/>: what a
    /// re-attaching peer names so its new parent backfills every gap, not only what came after the newest
    /// packet (packets after a gap can arrive first, from a parent that was itself catching up).
    /// </summary>
    public ushort? NewestInOrder(int lookBack)
    {
        if (_highest < 0) return null;
        var from = Math.Max(_first, _highest - Math.Min(lookBack, Size - 1) + 1);
        for (var s = from; s < _highest; s++)
            if (!_seen[s % Size]) return (ushort)((s - 1) & 0xFFFF);
        return (ushort)(_highest & 0xFFFF);
    }

    /// <summary>The extended number closest to the highest seen (RFC 3550's rollover guess).</summary>
    private long Extend(ushort sequence)
    {
        var cycle = _highest & ~0xFFFFL;
        var candidate = cycle | sequence;
        if (candidate - _highest > 0x8000) candidate -= 0x10000;
        else if (_highest - candidate > 0x8000) candidate += 0x10000;
        return Math.Max(candidate, 0);
    }
}
