namespace MoodDJ.Media.Srtp;

/// <summary>
/// One SSRC's receive state: the highest packet index accepted (which also holds the ROC and the
/// highest sequence number s_l of RFC 3711 §3.3.1) and a 128-packet replay bitmap behind it (§3.3.2).
/// </summary>
internal sealed class SrtpReplayWindow
{
    public const int Size = 128;

    private UInt128 _seen; // bit k: index (Highest - k) was accepted
    private bool _started;

    public ulong Highest { get; private set; }

    public uint RolloverCounter => (uint)(Highest >> 16);

    public ushort HighestSequence => (ushort)Highest;

    /// <summary>RFC 3711 §3.3.1: the packet index a sequence number most likely stands for (-1 when before the stream's start).</summary>
    public long EstimateIndex(ushort sequence) => _started ? EstimateIndex(Highest, sequence) : sequence; // first packet: ROC 0

    /// <summary>As above, given the highest index so far (its high bits the ROC, its low 16 bits s_l).</summary>
    public static long EstimateIndex(ulong highest, ushort sequence)
    {
        long roc = (uint)(highest >> 16);
        int s_l = (ushort)highest;
        long v;
        if (s_l < 32768)
            v = sequence - s_l > 32768 ? roc - 1 : roc;
        else
            v = s_l - 32768 > sequence ? roc + 1 : roc;
        return v < 0 ? -1 : (v << 16) | sequence;
    }

    /// <summary>True when <paramref name="index"/> is new: ahead of the window or inside it and not yet seen.</summary>
    public bool IsFresh(ulong index)
    {
        if (!_started || index > Highest) return true;
        var behind = Highest - index;
        return behind < Size && (_seen & (UInt128.One << (int)behind)) == UInt128.Zero;
    }

    /// <summary>Records an authenticated index.</summary>
    public void Accept(ulong index)
    {
        if (!_started)
        {
            _started = true;
            Highest = index;
            _seen = UInt128.One;
            return;
        }
        if (index > Highest)
        {
            var ahead = index - Highest;
            _seen = ahead >= Size ? UInt128.One : (_seen << (int)ahead) | UInt128.One;
            Highest = index;
        }
        else
        {
            _seen |= UInt128.One << (int)(Highest - index);
        }
    }
}
