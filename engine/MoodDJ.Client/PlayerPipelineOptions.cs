using MoodDJ.Media;

namespace MoodDJ.Client;

/// <summary>How a <see cref="PlayerPipeline"/> listens and plays; validated when the pipeline is made.</summary>
public sealed record PlayerPipelineOptions
{
    /// <summary>The RTP payload type to play (from the SDP); packets with another type are counted as junk.</summary>
    public required byte PayloadType { get; init; }

    /// <summary>
    /// False when someone else reads the socket and hands datagrams in through
    /// <see cref="PlayerPipeline.Deliver"/> (a mesh relay, which verifies and forwards first).
    /// </summary>
    public bool ReceiveFromSocket { get; init; } = true;

    /// <summary>The jitter buffer: clock rate, target depth, capacity.</summary>
    public JitterBufferOptions JitterBuffer { get; init; } = new();

    /// <summary>Interleaved samples the decoder can write for one packet (and for one concealed frame).</summary>
    public int MaxFrameSamples { get; init; } = 5760 * 2;

    /// <summary>How far ahead of real time writes to the output may run; the rest of the time the pipeline waits on its clock.</summary>
    public TimeSpan OutputLead { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Pace play-out with the pipeline's own clock (off only for an output that paces itself exactly).</summary>
    public bool PaceWithClock { get; init; } = true;

    /// <summary>After this long without packets from the current source, a new SSRC takes over (a restarted station).</summary>
    public TimeSpan SourceSwitchAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the play-out loop looks at its clock; bounds pacing error.</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromMilliseconds(2);

    internal void Validate()
    {
        if (PayloadType > 127) throw new ArgumentException($"Player PayloadType must be 0..127, not {PayloadType}.");
        ArgumentNullException.ThrowIfNull(JitterBuffer);
        if (MaxFrameSamples is < 1 or > 1 << 20) throw new ArgumentException($"Player MaxFrameSamples must be 1..{1 << 20}, not {MaxFrameSamples}.");
        if (OutputLead < TimeSpan.Zero || OutputLead > TimeSpan.FromSeconds(5)) throw new ArgumentException($"Player OutputLead must be 0..5 s, not {OutputLead}.");
        if (SourceSwitchAfter < TimeSpan.Zero) throw new ArgumentException($"Player SourceSwitchAfter must not be negative, not {SourceSwitchAfter}.");
        if (Tick < TimeSpan.FromMilliseconds(1) || Tick > TimeSpan.FromMilliseconds(100)) throw new ArgumentException($"Player Tick must be 1..100 ms, not {Tick}.");
    }
}
