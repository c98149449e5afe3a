namespace MoodDJ.Media;

/// <summary>Limits and targets of a <see cref="JitterBuffer"/>; validated when the buffer is made.</summary>
public sealed record JitterBufferOptions
{
    /// <summary>The RTP clock rate of the stream (44100 for the seed's L16, 48000 for Opus).</summary>
    public int ClockRate { get; init; } = 44100;

    /// <summary>How much audio to hold before play starts (and again after an underrun).</summary>
    public TimeSpan TargetDepth { get; init; } = TimeSpan.FromMilliseconds(60);

    /// <summary>Raise the target by one packet for each late packet, up to <see cref="MaxDepth"/>.</summary>
    public bool Adaptive { get; init; }

    /// <summary>The floor an adaptive target (measured jitter and loss) never goes under.</summary>
    public TimeSpan MinDepth { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The ceiling for adaptive growth.</summary>
    public TimeSpan MaxDepth { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Packets held at most (slots are allocated once); the window of sequence numbers the buffer spans.</summary>
    public int Capacity { get; init; } = 256;

    /// <summary>The largest payload a slot holds; bigger packets are refused.</summary>
    public int MaxPayloadBytes { get; init; } = 1500;

    /// <summary>Assumed audio per packet until two consecutive packets show the real figure.</summary>
    public TimeSpan PacketDurationHint { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>A jump of more sequence numbers than this (either way) means the sender restarted: start over.</summary>
    public int ResyncDistance { get; init; } = 3000;

    /// <summary>
    /// When set: while playing, a buffer holding more than this skips its oldest packets back to the
    /// target depth, so a burst after a stall does not add latency for good (the web host's
    /// browser listeners; null keeps every packet, as `mooddj player` does).
    /// </summary>
    public TimeSpan? TrimAbove { get; init; }

    internal void Validate()
    {
        if (ClockRate is < 1000 or > 384000) throw new ArgumentException($"Jitter buffer ClockRate must be 1000..384000 Hz, not {ClockRate}.");
        if (Capacity is < 4 or > 65536) throw new ArgumentException($"Jitter buffer Capacity must be 4..65536 packets, not {Capacity}.");
        if (MaxPayloadBytes is < 1 or > 65536) throw new ArgumentException($"Jitter buffer MaxPayloadBytes must be 1..65536, not {MaxPayloadBytes}.");
        if (TargetDepth < TimeSpan.Zero || TargetDepth > TimeSpan.FromSeconds(10)) throw new ArgumentException($"Jitter buffer TargetDepth must be 0..10 s, not {TargetDepth}.");
        if (MinDepth < TimeSpan.Zero || MinDepth > MaxDepth) throw new ArgumentException($"Jitter buffer MinDepth ({MinDepth}) must be 0..MaxDepth ({MaxDepth}).");
        if (MaxDepth < TargetDepth) throw new ArgumentException($"Jitter buffer MaxDepth ({MaxDepth}) must be at least TargetDepth ({TargetDepth}).");
        if (PacketDurationHint <= TimeSpan.Zero || PacketDurationHint > TimeSpan.FromSeconds(1)) throw new ArgumentException($"Jitter buffer PacketDurationHint must be within (0, 1 s], not {PacketDurationHint}.");
        if (TrimAbove is { } trim && trim <= TargetDepth) throw new ArgumentException($"Jitter buffer TrimAbove ({trim}) must be more than TargetDepth ({TargetDepth}).");
        if (ResyncDistance < Capacity) throw new ArgumentException($"Jitter buffer ResyncDistance ({ResyncDistance}) must be at least Capacity ({Capacity}).");
    }
}
