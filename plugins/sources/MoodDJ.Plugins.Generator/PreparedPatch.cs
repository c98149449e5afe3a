namespace MoodDJ.Plugins.Generator;

/// <summary>A <see cref="Patch"/> converted to frame counts and per-sample coefficients for one sample rate.</summary>
internal sealed class PreparedPatch
{
    public PreparedPatch(Patch patch, int sampleRate, double brightness)
    {
        Patch = patch;
        SampleRate = sampleRate;
        InvRate = 1.0 / sampleRate;
        AttackFrames = Math.Max(1, (int)(Math.Max(patch.Attack, 0.002) * sampleRate));
        DecayCoef = (float)Math.Exp(-1.0 / (Math.Max(patch.Decay, 0.001) * sampleRate));
        ReleaseFrames = Math.Max(1, (int)(Math.Max(patch.Release, 0.005) * sampleRate));
        TailFrames = (int)(patch.Tail * sampleRate) + (patch.IsDrum ? 0 : ReleaseFrames - (int)(patch.Release * sampleRate));
        // Brightness (0..1) opens every filter: dark moods sound muffled, bright ones crisp.
        var scale = 0.45 + 1.1 * brightness;
        Cutoff = patch.Cutoff * scale;
        FilterEnvelope = patch.FilterEnvelope * scale;
        FilterDecay16 = (float)Math.Exp(-16.0 / (Math.Max(patch.FilterDecay, 0.001) * sampleRate));
        K = (float)(1.0 / Math.Max(patch.Resonance, 0.5));
        DetuneRatio = Math.Pow(2, patch.DetuneCents / 1200.0);
        DriveNorm = patch.Drive > 0 ? (float)(1 + patch.Drive) / (float)patch.Drive : 1f;
        MaxCutoff = 0.45 * sampleRate;
        PitchCoef = Coef(0.035);
        ToneCoef = Coef(0.05);
        ModCoef = Coef(0.3);
    }

    public Patch Patch { get; }
    public int SampleRate { get; }
    public double InvRate { get; }
    public int AttackFrames { get; }
    public float DecayCoef { get; }
    public int ReleaseFrames { get; }
    /// <summary>Frames a note sounds after its gate (release, or a drum's whole ring).</summary>
    public int TailFrames { get; }
    public double Cutoff { get; }
    public double FilterEnvelope { get; }
    public float FilterDecay16 { get; }
    public float K { get; }
    public double DetuneRatio { get; }
    public float DriveNorm { get; }
    public double MaxCutoff { get; }
    /// <summary>Per-sample decay of a kick's pitch sweep and a snare's body tone.</summary>
    public float PitchCoef { get; }
    public float ToneCoef { get; }
    /// <summary>Per-sample decay of the FM piano's brightness.</summary>
    public float ModCoef { get; }

    /// <summary>Exponential decay per sample for a time constant of <paramref name="seconds"/>.</summary>
    public float Coef(double seconds) => (float)Math.Exp(-1.0 / (seconds * SampleRate));
}
