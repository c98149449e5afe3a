namespace MoodDJ.Plugins.Generator;

/// <summary>How a voice makes its sound.</summary>
internal enum Waveform { Sine, Triangle, Saw, Square, FmPiano, Kick, Snare, ClosedHat, OpenHat }

/// <summary>
/// One instrument's timbre, in musical units (seconds, hertz). A <see cref="PreparedPatch"/> turns it
/// into per-sample coefficients for one sample rate.
/// </summary>
internal sealed record Patch
{
    public Waveform Wave { get; init; }
    /// <summary>Cents between the two detuned oscillators (0 = one oscillator).</summary>
    public double DetuneCents { get; init; }
    public double Attack { get; init; } = 0.005;
    public double Decay { get; init; } = 0.3;
    public double Sustain { get; init; } = 0.7;
    public double Release { get; init; } = 0.1;
    /// <summary>Low-pass cutoff in Hz; 0 = no filter.</summary>
    public double Cutoff { get; init; }
    /// <summary>Extra cutoff (Hz) at the note's start, decaying with <see cref="FilterDecay"/>.</summary>
    public double FilterEnvelope { get; init; }
    public double FilterDecay { get; init; } = 0.2;
    public double Resonance { get; init; } = 0.707;
    /// <summary>Soft saturation amount; 0 = clean.</summary>
    public double Drive { get; init; }
    /// <summary>Vibrato depth in semitones (after a short delay).</summary>
    public double Vibrato { get; init; }
    public double Gain { get; init; } = 0.1;

    /// <summary>Seconds a note can ring after its gate closes.</summary>
    public double Tail => Wave switch
    {
        Waveform.Kick => 0.9,
        Waveform.Snare => 0.5,
        Waveform.ClosedHat => 0.25,
        Waveform.OpenHat => 0.8,
        _ => Release,
    };

    public bool IsDrum => Wave is Waveform.Kick or Waveform.Snare or Waveform.ClosedHat or Waveform.OpenHat;
}
