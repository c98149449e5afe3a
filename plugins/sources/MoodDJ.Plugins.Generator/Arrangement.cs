using System.Globalization;

namespace MoodDJ.Plugins.Generator;

/// <summary>
/// The concrete plan for one track, fixed by its id: style, tempo, key, progressions, brightness,
/// and its name. Independent of the output sample rate.
/// </summary>
internal sealed class Arrangement
{
    private static readonly string[] KeyNames = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"];
    private static readonly string[] Nouns = ["Sketch", "Study", "Groove", "Etude", "Loop", "Song", "Theme", "Reverie", "Motif", "Air"];

    public Arrangement(GeneratedTrackId id)
    {
        Id = id;
        Style = MoodStyle.For(id.Mood);
        var rng = DeterministicRandom.For(id.Seed, 0xA11A, (int)id.Mood);
        var energy = (id.Arousal + 1) / 2;
        Bpm = (int)Math.Round(Style.MinBpm + (Style.MaxBpm - Style.MinBpm) * energy + rng.Next(5) - 2);
        TonicPitchClass = rng.Next(12);
        var first = rng.Next(Style.Progressions.Length);
        ProgressionA = Style.Progressions[first];
        ProgressionB = Style.Progressions[(first + 1 + rng.Next(Style.Progressions.Length - 1)) % Style.Progressions.Length];
        Brightness = Math.Clamp(Style.Brightness + 0.15 * id.Arousal + 0.05 * id.Valence, 0, 1);
        MelodyDensity = Math.Clamp(Style.MelodyDensity + 0.1 * id.Arousal, 0.05, 0.9);
        Title = string.Create(CultureInfo.InvariantCulture,
            $"{rng.Pick(Style.Adjectives)} {rng.Pick(Nouns)} in {KeyName} {Mode}, {Bpm} BPM");
        BarCount = (int)Math.Ceiling(id.Duration.TotalSeconds / BarSeconds);
    }

    public GeneratedTrackId Id { get; }
    public MoodStyle Style { get; }
    public int Bpm { get; }
    public int TonicPitchClass { get; }
    public int[] ProgressionA { get; }
    public int[] ProgressionB { get; }
    public double Brightness { get; }
    public double MelodyDensity { get; }
    public string Title { get; }
    public int BarCount { get; }

    public Scale Scale => Style.Scale;
    public string KeyName => KeyNames[TonicPitchClass];
    public string Mode => Scale.Mode;
    public double BarSeconds => 240.0 / Bpm;
}
