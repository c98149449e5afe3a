using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Plugins.Generator;

internal enum BassPattern { Whole, Half, Quarter, Syncopated, Eighths, EighthOctaves, Sixteenths }

internal enum ChordPattern { Pad, Stabs, Arpeggio4, Arpeggio8, Arpeggio16, Power8, Pulse8 }

/// <summary>
/// Drum grooves: one 16-step line per drum, a digit is a hit's loudness (1 soft … 9 loud), '.' is rest.
/// </summary>
internal sealed record DrumGroove(string Kick, string Snare, string Hat, string OpenHat)
{
    public static readonly DrumGroove None = new("", "", "", "");
    public static readonly DrumGroove Pulse = new("6.......3.......", "", "", "");
    public static readonly DrumGroove Steady = new("6...5...6...5...", "", "..3...3...3...3.", "");
    public static readonly DrumGroove Brush = new("7.......5.......", "....3.......3...", "4.24..24..24..2.", "");
    public static readonly DrumGroove Backbeat = new("8.....5.8.3.....", "....8.......8...", "6.4.6.4.6.4.6.4.", "");
    public static readonly DrumGroove HalfTime = new("8.........6.....", "........7.......", "5.3.5.3.5.3.5.3.", "");
    public static readonly DrumGroove FourOnFloor = new("9...9...9...9...", "....8.......8...", "3.3.3.3.3.3.3.3.", "..6...6...6...6.");
    public static readonly DrumGroove Driving = new("9.6.9.6.9.6.9.69", "....9.......9...", "7575757575757575", "");
}

/// <summary>
/// What a mood sounds like: scale, harmony, tempo range, groove and instruments. The valence/arousal
/// of the reading then shade it (tempo within the range, filter brightness, melody density).
/// </summary>
internal sealed record MoodStyle
{
    public required MoodLabel Mood { get; init; }
    public required string[] Adjectives { get; init; }
    public required Scale Scale { get; init; }
    /// <summary>Chord progressions as scale degrees (0 = tonic), one chord per bar.</summary>
    public required int[][] Progressions { get; init; }
    public bool Sevenths { get; init; }
    public required double MinBpm { get; init; }
    public required double MaxBpm { get; init; }
    /// <summary>0 dark … 1 bright.</summary>
    public required double Brightness { get; init; }
    public required BassPattern Bass { get; init; }
    public required ChordPattern Chords { get; init; }
    /// <summary>Chance of a melody note on each slot.</summary>
    public required double MelodyDensity { get; init; }
    public bool PentatonicMelody { get; init; }
    /// <summary>Melody in quarter-note slots (slow, sparse) instead of eighths.</summary>
    public bool LongMelodyNotes { get; init; }
    /// <summary>Adds an echo (dotted eighth) to melody notes.</summary>
    public bool Echo { get; init; }
    public required DrumGroove Drums { get; init; }
    /// <summary>Delay of off-beat eighths as a fraction of a sixteenth (0 straight, ~0.33 swung).</summary>
    public double Swing { get; init; }
    public required Patch BassPatch { get; init; }
    public required Patch ChordPatch { get; init; }
    /// <summary>A sustained pad under the chord pattern, if any.</summary>
    public Patch? PadPatch { get; init; }
    public required Patch LeadPatch { get; init; }
    public double MasterGain { get; init; } = 1.0;

    public static MoodStyle For(MoodLabel mood) => mood switch
    {
        MoodLabel.Happy => Happy,
        MoodLabel.Energetic => Energetic,
        MoodLabel.Calm => Calm,
        MoodLabel.Sad => Sad,
        MoodLabel.Angry => Angry,
        MoodLabel.Romantic => Romantic,
        MoodLabel.Focused => Focused,
        _ => Neutral,
    };

    // Instruments shared by several moods.
    private static readonly Patch SineBass = new() { Wave = Waveform.Sine, Attack = 0.01, Decay = 0.4, Sustain = 0.8, Release = 0.15, Gain = 0.42 };
    private static readonly Patch RoundBass = new() { Wave = Waveform.Triangle, Attack = 0.008, Decay = 0.3, Sustain = 0.7, Release = 0.12, Cutoff = 600, Gain = 0.45 };
    private static readonly Patch SawBass = new() { Wave = Waveform.Saw, Attack = 0.004, Decay = 0.2, Sustain = 0.6, Release = 0.08, Cutoff = 320, FilterEnvelope = 900, FilterDecay = 0.12, Resonance = 1.2, Gain = 0.34 };
    private static readonly Patch Pluck = new() { Wave = Waveform.Square, Attack = 0.003, Decay = 0.22, Sustain = 0.0, Release = 0.12, Cutoff = 900, FilterEnvelope = 2600, FilterDecay = 0.1, Gain = 0.11 };
    private static readonly Patch EPiano = new() { Wave = Waveform.FmPiano, Attack = 0.003, Decay = 1.2, Sustain = 0.15, Release = 0.35, Gain = 0.10 };
    private static readonly Patch WarmPad = new() { Wave = Waveform.Saw, DetuneCents = 9, Attack = 0.5, Decay = 1.0, Sustain = 0.8, Release = 1.0, Cutoff = 700, Resonance = 0.7, Gain = 0.055 };
    private static readonly Patch GlassPad = new() { Wave = Waveform.Triangle, DetuneCents = 6, Attack = 1.2, Decay = 1.5, Sustain = 0.85, Release = 1.8, Cutoff = 1800, Gain = 0.075 };
    private static readonly Patch Kick = new() { Wave = Waveform.Kick, Decay = 0.2, Gain = 0.62 };
    private static readonly Patch Snare = new() { Wave = Waveform.Snare, Decay = 0.11, Resonance = 0.8, Gain = 0.26 };

    public Patch KickPatch => Mood is MoodLabel.Calm or MoodLabel.Sad or MoodLabel.Romantic or MoodLabel.Focused ? Kick with { Gain = 0.45, Decay = 0.17 } : Kick;
    public Patch SnarePatch => Mood == MoodLabel.Romantic ? Snare with { Gain = 0.12, Decay = 0.07 } : Snare;
    public Patch HatPatch => new() { Wave = Waveform.ClosedHat, Decay = 0.03, Resonance = 0.7, Gain = Mood == MoodLabel.Angry ? 0.09 : 0.06 };
    public Patch OpenHatPatch => new() { Wave = Waveform.OpenHat, Decay = 0.18, Resonance = 0.7, Gain = 0.045 };

    private static readonly MoodStyle Happy = new()
    {
        Mood = MoodLabel.Happy,
        Adjectives = ["Sunny", "Bright", "Golden", "Cheerful", "Skipping"],
        Scale = Scale.Major,
        Progressions = [[0, 4, 5, 3], [0, 3, 4, 3], [0, 5, 3, 4], [3, 4, 0, 0]],
        MinBpm = 108, MaxBpm = 128, Brightness = 0.75,
        Bass = BassPattern.Eighths, Chords = ChordPattern.Stabs,
        MelodyDensity = 0.6, PentatonicMelody = true, Echo = true,
        Drums = DrumGroove.Backbeat,
        BassPatch = SawBass, ChordPatch = Pluck with { Gain = 0.09 }, PadPatch = GlassPad with { Gain = 0.04, Attack = 0.3 },
        LeadPatch = new() { Wave = Waveform.Square, Attack = 0.004, Decay = 0.18, Sustain = 0.45, Release = 0.1, Cutoff = 1600, FilterEnvelope = 2400, FilterDecay = 0.15, Gain = 0.085 },
    };

    private static readonly MoodStyle Energetic = new()
    {
        Mood = MoodLabel.Energetic,
        Adjectives = ["Electric", "Racing", "Neon", "Turbo", "Rushing"],
        Scale = Scale.Mixolydian,
        Progressions = [[0, 6, 3, 0], [0, 3, 6, 3], [5, 3, 0, 6]],
        MinBpm = 126, MaxBpm = 146, Brightness = 0.9,
        Bass = BassPattern.EighthOctaves, Chords = ChordPattern.Pulse8,
        MelodyDensity = 0.75, PentatonicMelody = true,
        Drums = DrumGroove.FourOnFloor,
        BassPatch = SawBass with { Cutoff = 420, FilterEnvelope = 1400 },
        ChordPatch = new() { Wave = Waveform.Saw, DetuneCents = 12, Attack = 0.004, Decay = 0.15, Sustain = 0.3, Release = 0.06, Cutoff = 1200, FilterEnvelope = 1800, FilterDecay = 0.08, Gain = 0.05 },
        LeadPatch = new() { Wave = Waveform.Saw, DetuneCents = 7, Attack = 0.005, Decay = 0.2, Sustain = 0.7, Release = 0.1, Cutoff = 2200, FilterEnvelope = 2500, Resonance = 1.4, Vibrato = 0.12, Gain = 0.07 },
        MasterGain = 0.9,
    };

    private static readonly MoodStyle Calm = new()
    {
        Mood = MoodLabel.Calm,
        Adjectives = ["Still", "Drifting", "Quiet", "Gentle", "Floating"],
        Scale = Scale.Lydian,
        Progressions = [[0, 1, 0, 4], [0, 3, 5, 3], [0, 5, 1, 0]],
        MinBpm = 62, MaxBpm = 78, Brightness = 0.25,
        Bass = BassPattern.Whole, Chords = ChordPattern.Arpeggio4,
        MelodyDensity = 0.35, LongMelodyNotes = true, Echo = true,
        Drums = DrumGroove.None,
        BassPatch = SineBass with { Gain = 0.36 },
        ChordPatch = new() { Wave = Waveform.Triangle, Attack = 0.02, Decay = 0.8, Sustain = 0.2, Release = 0.6, Cutoff = 1400, Gain = 0.07 },
        PadPatch = GlassPad,
        LeadPatch = new() { Wave = Waveform.Sine, Attack = 0.08, Decay = 0.5, Sustain = 0.75, Release = 0.5, Vibrato = 0.1, Gain = 0.11 },
        MasterGain = 1.1,
    };

    private static readonly MoodStyle Sad = new()
    {
        Mood = MoodLabel.Sad,
        Adjectives = ["Grey", "Fading", "Rainy", "Lonely", "Distant"],
        Scale = Scale.Minor,
        Progressions = [[0, 5, 2, 6], [0, 3, 5, 4], [0, 6, 5, 4]],
        MinBpm = 56, MaxBpm = 72, Brightness = 0.2,
        Bass = BassPattern.Half, Chords = ChordPattern.Arpeggio8,
        MelodyDensity = 0.4, LongMelodyNotes = true, Echo = true,
        Drums = DrumGroove.Pulse,
        BassPatch = SineBass,
        ChordPatch = EPiano with { Gain = 0.085 },
        PadPatch = WarmPad with { Cutoff = 550 },
        LeadPatch = new() { Wave = Waveform.Triangle, Attack = 0.05, Decay = 0.6, Sustain = 0.6, Release = 0.6, Cutoff = 1500, Vibrato = 0.12, Gain = 0.11 },
        MasterGain = 1.1,
    };

    private static readonly MoodStyle Angry = new()
    {
        Mood = MoodLabel.Angry,
        Adjectives = ["Burning", "Iron", "Storm", "Jagged", "Furious"],
        Scale = Scale.Phrygian,
        Progressions = [[0, 1, 0, 6], [0, 5, 6, 0], [0, 0, 1, 6]],
        MinBpm = 140, MaxBpm = 162, Brightness = 0.85,
        Bass = BassPattern.Sixteenths, Chords = ChordPattern.Power8,
        MelodyDensity = 0.45, PentatonicMelody = true,
        Drums = DrumGroove.Driving,
        BassPatch = SawBass with { DetuneCents = 8, Cutoff = 450, FilterEnvelope = 1800, Resonance = 1.8, Drive = 2.5, Gain = 0.28 },
        ChordPatch = new() { Wave = Waveform.Saw, DetuneCents = 10, Attack = 0.003, Decay = 0.12, Sustain = 0.5, Release = 0.05, Cutoff = 1400, FilterEnvelope = 2500, FilterDecay = 0.06, Drive = 3, Gain = 0.055 },
        LeadPatch = new() { Wave = Waveform.Square, Attack = 0.004, Decay = 0.1, Sustain = 0.8, Release = 0.06, Cutoff = 2400, FilterEnvelope = 2000, Resonance = 2, Drive = 2, Gain = 0.06 },
        MasterGain = 0.85,
    };

    private static readonly MoodStyle Romantic = new()
    {
        Mood = MoodLabel.Romantic,
        Adjectives = ["Velvet", "Moonlit", "Tender", "Rose", "Candlelit"],
        Scale = Scale.Major,
        Progressions = [[0, 5, 1, 4], [3, 2, 1, 4], [0, 2, 3, 4]],
        Sevenths = true,
        MinBpm = 74, MaxBpm = 90, Brightness = 0.45,
        Bass = BassPattern.Syncopated, Chords = ChordPattern.Arpeggio8,
        MelodyDensity = 0.45, Echo = true,
        Drums = DrumGroove.Brush, Swing = 0.33,
        BassPatch = RoundBass,
        ChordPatch = EPiano,
        PadPatch = WarmPad,
        LeadPatch = new() { Wave = Waveform.Sine, DetuneCents = 4, Attack = 0.04, Decay = 0.5, Sustain = 0.7, Release = 0.4, Vibrato = 0.2, Gain = 0.11 },
    };

    private static readonly MoodStyle Focused = new()
    {
        Mood = MoodLabel.Focused,
        Adjectives = ["Steady", "Clear", "Deep", "Patient", "Lucid"],
        Scale = Scale.Dorian,
        Progressions = [[0, 3, 0, 3], [0, 6, 5, 6], [0, 0, 3, 4]],
        MinBpm = 90, MaxBpm = 108, Brightness = 0.4,
        Bass = BassPattern.Quarter, Chords = ChordPattern.Arpeggio16,
        MelodyDensity = 0.15, LongMelodyNotes = true, Echo = true,
        Drums = DrumGroove.Steady,
        BassPatch = RoundBass with { Gain = 0.38 },
        ChordPatch = Pluck with { Wave = Waveform.Triangle, Cutoff = 1300, FilterEnvelope = 1200, Gain = 0.075 },
        PadPatch = WarmPad with { Gain = 0.04, Cutoff = 500 },
        LeadPatch = new() { Wave = Waveform.Sine, Attack = 0.03, Decay = 0.5, Sustain = 0.6, Release = 0.5, Gain = 0.09 },
    };

    private static readonly MoodStyle Neutral = new()
    {
        Mood = MoodLabel.Neutral,
        Adjectives = ["Plain", "Open", "Simple", "Easy", "Level"],
        Scale = Scale.Major,
        Progressions = [[0, 3, 4, 0], [0, 5, 3, 4], [5, 3, 0, 4]],
        MinBpm = 94, MaxBpm = 106, Brightness = 0.5,
        Bass = BassPattern.Quarter, Chords = ChordPattern.Pad,
        MelodyDensity = 0.45,
        Drums = DrumGroove.HalfTime,
        BassPatch = RoundBass,
        ChordPatch = WarmPad with { Attack = 0.15, Gain = 0.05, Cutoff = 900 },
        LeadPatch = new() { Wave = Waveform.Triangle, Attack = 0.01, Decay = 0.3, Sustain = 0.5, Release = 0.2, Cutoff = 2000, Gain = 0.11 },
    };
}
