using System.Globalization;
using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Plugins.SoundMood;

/// <summary>
/// Places a <see cref="RoomSound"/> on the valence/arousal plane and names the nearest mood. A
/// documented heuristic (docs/mood.md, "Mood from sound"), not a trained model:
/// arousal follows loudness, onset rate, a confident beat and busyness; valence starts mildly
/// pleasant (a lived-in room), rises with a confident quick beat, brightness and talk, and falls
/// with noise and with dark, slow, beatless music. Each term is one line of evidence.
/// </summary>
public static class RoomMoodReader
{
    /// <summary>Clips shorter than this are too short to hear a beat or a sentence: the reading is kept but says it is unsure.</summary>
    public const double ShortClipSeconds = 1.5;

    // Where each mood sits; the reading is the nearest. Romantic and focused cannot be heard in a room.
    private static readonly (MoodLabel Label, double Valence, double Arousal)[] Points =
    [
        (MoodLabel.Neutral, 0, 0),
        (MoodLabel.Happy, 0.7, 0.45),
        (MoodLabel.Energetic, 0.45, 0.85),
        (MoodLabel.Calm, 0.4, -0.6),
        (MoodLabel.Sad, -0.6, -0.45),
        (MoodLabel.Angry, -0.6, 0.7),
    ];

    public static MoodReading Read(RoomSound sound)
    {
        var m = sound.Music;
        var loud = RoomSoundMeter.Ramp(m.LoudnessDb, -55, -12);
        // A tempo counts only when there are hits to carry it: autocorrelation finds "beats" in slow swells too.
        var beat = m.TempoBpm > 0 ? RoomSoundMeter.Ramp(m.TempoConfidence, 0.2, 0.6) * RoomSoundMeter.Ramp(sound.OnsetsPerSecond, 0.5, 1.5) : 0;
        var pace = RoomSoundMeter.Ramp(m.TempoBpm, 70, 150);
        var onsets = RoomSoundMeter.Ramp(sound.OnsetsPerSecond, 0.5, 5) * loud;
        var bright = RoomSoundMeter.Ramp(m.BrightnessHz, 300, 3000);
        var tonal = loud * (1 - sound.Noisiness) * (1 - sound.Speech); // music without a clear beat

        var evidence = new List<MoodEvidence>();
        // Arousal weights sum to 1, so the shares 2·w·(x − ½) add up to the reading exactly.
        Add(evidence, $"loudness {Number(m.LoudnessDb)} dBFS", 0, 2 * 0.5 * (loud - 0.5), loud < 0.2 ? "quiet" : loud > 0.7 ? "loud" : "");
        Add(evidence, $"{Number(sound.OnsetsPerSecond, "0.0")} onsets/s", 0, 2 * 0.15 * (onsets - 0.5), "");
        Add(evidence, beat > 0.2 ? $"beat {Number(m.TempoBpm)} BPM" : "no steady beat", 0.7 * beat * pace - 0.1, 2 * 0.2 * (beat * pace - 0.5), beat > 0.2 ? $"confidence {Number(m.TempoConfidence, "0.00")}" : "");
        Add(evidence, $"busy {Number(m.Energy * 100)} % of the time", 0, 2 * 0.15 * (m.Energy * loud - 0.5), "");

        Add(evidence, $"spectral centroid {Number(m.BrightnessHz)} Hz", 0.3 * (bright - 0.5) * loud, 0, bright > 0.5 ? "bright" : "dark");
        if (sound.Speech > 0.2)
            Add(evidence, "speech", 0.2 * sound.Speech, 0, $"{Number(sound.Speech * 100)} %");
        if (sound.Noisiness > 0.2)
            Add(evidence, "noise", -1.0 * sound.Noisiness * loud, 0, $"{Number(sound.Noisiness * 100)} %");
        var gloom = tonal * (1 - bright) * (1 - beat) * (1 - pace * 0.5);
        if (gloom > 0.2)
            Add(evidence, "slow, dark music", -0.6 * gloom, 0, "");

        // A room with people in it leans pleasant (+0.2): silence reads calm, not sad.
        var valence = Math.Clamp(0.2 + evidence.Sum(e => e.Valence), -1, 1);
        var arousal = Math.Clamp(evidence.Sum(e => e.Arousal), -1, 1);
        var ranked = Points.Select(p => (p.Label, Distance: Math.Sqrt(Square(p.Valence - valence) + Square(p.Arousal - arousal))))
            .OrderBy(p => p.Distance).ToArray();
        // A room is heard, not told: confidence stays modest, and grows with the margin to the runner-up.
        var confidence = Math.Clamp(0.3 + 0.8 * (ranked[1].Distance - ranked[0].Distance), 0.1, 0.7);
        if (sound.Seconds < ShortClipSeconds) confidence = Math.Min(confidence, 0.15);
        return new MoodReading(ranked[0].Label, valence, arousal, confidence, evidence);
    }

    private static void Add(List<MoodEvidence> evidence, string text, double valence, double arousal, string note) =>
        evidence.Add(new MoodEvidence(text, valence, arousal, note));

    private static double Square(double x) => x * x;

    private static string Number(double value, string format = "0") => value.ToString(format, CultureInfo.InvariantCulture);
}
