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

    /// <summary>
    /// Synchronized play-out: with a station clock (<see cref="PlayerPipeline.StationClock"/>) and sender
    /// reports, every frame plays at its capture time + the station's play-out delay, and the player
    /// follows the station's clock by resampling slightly. Without them it plays as soon as buffered.
    /// </summary>
    public bool Synchronized { get; init; } = true;

    /// <summary>
    /// How long after the player hands audio to the output it is heard (a Bluetooth speaker: 100–250 ms),
    /// as Snapcast's per-client latency: a synchronized player writes that much earlier.
    /// </summary>
    public TimeSpan OutputLatency { get; init; }

    /// <summary>RTP ticks one packet carries (for the jitter target's frame margin).</summary>
    public int FrameTicks { get; init; } = 441;

    /// <summary>
    /// Called before each write of a synchronized player with the <see cref="System.Diagnostics.Stopwatch"/>
    /// timestamp the block's first sample is heard at (write time + <see cref="OutputLatency"/>) and the
    /// block: a test records both players' outputs on one clock this way.
    /// </summary>
    public Action<long, ReadOnlyMemory<float>>? OnPlayout { get; init; }

    /// <summary>The largest speed change used to follow the station clock (2000 ppm = 0.2 %, inaudible).</summary>
    public double MaxCorrectionPpm { get; init; } = 2000;

    internal void Validate()
    {
        if (PayloadType > 127) throw new ArgumentException($"Player PayloadType must be 0..127, not {PayloadType}.");
        ArgumentNullException.ThrowIfNull(JitterBuffer);
        if (MaxFrameSamples is < 1 or > 1 << 20) throw new ArgumentException($"Player MaxFrameSamples must be 1..{1 << 20}, not {MaxFrameSamples}.");
        if (OutputLead < TimeSpan.Zero || OutputLead > TimeSpan.FromSeconds(5)) throw new ArgumentException($"Player OutputLead must be 0..5 s, not {OutputLead}.");
        if (SourceSwitchAfter < TimeSpan.Zero) throw new ArgumentException($"Player SourceSwitchAfter must not be negative, not {SourceSwitchAfter}.");
        if (OutputLatency < TimeSpan.Zero || OutputLatency > TimeSpan.FromSeconds(5)) throw new ArgumentException($"Player OutputLatency must be 0..5 s, not {OutputLatency}.");
        if (FrameTicks < 1) throw new ArgumentException($"Player FrameTicks must be positive, not {FrameTicks}.");
        if (MaxCorrectionPpm is < 1 or > 50_000) throw new ArgumentException($"Player MaxCorrectionPpm must be 1..50000, not {MaxCorrectionPpm}.");
        if (Tick < TimeSpan.FromMilliseconds(1) || Tick > TimeSpan.FromMilliseconds(100)) throw new ArgumentException($"Player Tick must be 1..100 ms, not {Tick}.");
    }
}
