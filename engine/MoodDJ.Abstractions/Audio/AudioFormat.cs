namespace MoodDJ.Abstractions.Audio;

/// <summary>
/// The shape of PCM audio inside MoodDJ: 32-bit float samples in −1..1, interleaved by channel.
/// Codecs convert to and from wire formats (L16, Opus) at the edges.
/// </summary>
public readonly record struct AudioFormat
{
    public AudioFormat(int sampleRate, int channels)
    {
        if (sampleRate is < 8000 or > 192000)
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "Sample rate must be 8000..192000 Hz.");
        if (channels is < 1 or > 8)
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Channels must be 1..8.");
        SampleRate = sampleRate;
        Channels = channels;
    }

    public int SampleRate { get; }
    public int Channels { get; }

    /// <summary>The seed's format: 44.1 kHz mono.</summary>
    public static AudioFormat SeedMono { get; } = new(44100, 1);

    /// <summary>48 kHz stereo, the rate Opus works at.</summary>
    public static AudioFormat OpusStereo { get; } = new(48000, 2);

    /// <summary>Samples (all channels counted) in <paramref name="duration"/> of audio, rounded down to whole frames.</summary>
    public int SamplesFor(TimeSpan duration) => (int)(duration.Ticks * SampleRate / TimeSpan.TicksPerSecond) * Channels;

    /// <summary>How long <paramref name="samples"/> interleaved samples last.</summary>
    public TimeSpan DurationOf(long samples) => TimeSpan.FromTicks(samples / Channels * TimeSpan.TicksPerSecond / SampleRate);

    public override string ToString() => $"{SampleRate} Hz, {Channels} ch, f32";
}
