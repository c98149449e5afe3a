namespace MoodDJ.Testing;

/// <summary>What an <see cref="ImpairmentProxy"/> does to the datagrams it forwards. Percentages are 0..100.</summary>
public sealed record ImpairmentOptions
{
    public double LossPercent { get; init; }

    /// <summary>Added to every datagram.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>A further uniformly random 0..Jitter delay per datagram (enough jitter reorders by itself).</summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>Share of datagrams held back by <see cref="ReorderDelay"/> so later ones overtake them.</summary>
    public double ReorderPercent { get; init; }

    public TimeSpan ReorderDelay { get; init; } = TimeSpan.FromMilliseconds(25);

    /// <summary>Share of forwarded datagrams sent twice (the copy with its own delay).</summary>
    public double DuplicatePercent { get; init; }

    public int Seed { get; init; } = 1;

    /// <summary>Datagrams held at most; beyond it new ones are dropped and counted as overflow.</summary>
    public int MaxQueued { get; init; } = 4096;

    public int MaxDatagramBytes { get; init; } = 2048;

    internal void Validate()
    {
        static void Percent(double value, string name)
        {
            if (double.IsNaN(value) || value is < 0 or > 100) throw new ArgumentException($"Impairment {name} must be 0..100, not {value}.");
        }
        Percent(LossPercent, nameof(LossPercent));
        Percent(ReorderPercent, nameof(ReorderPercent));
        Percent(DuplicatePercent, nameof(DuplicatePercent));
        if (Delay < TimeSpan.Zero || Jitter < TimeSpan.Zero || ReorderDelay < TimeSpan.Zero)
            throw new ArgumentException("Impairment delays must not be negative.");
        if (MaxQueued is < 1 or > 1 << 20) throw new ArgumentException($"Impairment MaxQueued must be 1..{1 << 20}, not {MaxQueued}.");
        if (MaxDatagramBytes is < 1 or > 65536) throw new ArgumentException($"Impairment MaxDatagramBytes must be 1..65536, not {MaxDatagramBytes}.");
    }
}

/// <summary>Counters of an <see cref="ImpairmentProxy"/>: every datagram received is dropped, overflowed or forwarded (some twice).</summary>
public readonly record struct ImpairmentStats(long Received, long Dropped, long Duplicated, long Reordered, long Forwarded, long Overflowed, long Oversized);
