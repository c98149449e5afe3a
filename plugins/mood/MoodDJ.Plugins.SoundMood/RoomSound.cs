using MoodDJ.Plugins.Shared.Audio;

namespace MoodDJ.Plugins.SoundMood;

/// <summary>
/// What a few seconds of a room sounded like: the shared track features (loudness, busyness,
/// brightness, tempo, onsets) plus the two things a room has that a track rarely does.
/// </summary>
/// <param name="Music">Loudness, energy, brightness, tempo and onset rate, as measured for tracks.</param>
/// <param name="Speech">0..1: how much the clip sounds like people talking (syllable-rate rhythm in the voice band, with gaps).</param>
/// <param name="Noisiness">0..1: how flat, hiss- or roar-like the spectrum is while the room is audible.</param>
/// <param name="OnsetsPerSecond">Sharp rises in level (6 dB within 100 ms) per second: hits, steps, syllables; slow swells do not count.</param>
/// <param name="Seconds">Length of the clip that was measured.</param>
/// <param name="Cues">The raw measures behind <paramref name="Speech"/> and <paramref name="Noisiness"/>, for evidence and tuning.</param>
public sealed record RoomSound(AudioFeatures Music, double Speech, double Noisiness, double OnsetsPerSecond, double Seconds, RoomCues Cues);

/// <param name="VoiceShare">Mean share of audible frames' energy in 300–3400 Hz.</param>
/// <param name="SyllableRhythm">Share of the voice-band envelope's modulation at 2–8 Hz.</param>
/// <param name="GapDepthDb">90th minus 10th percentile of the voice-band level.</param>
/// <param name="Flatness">Mean spectral flatness of audible frames (0 a pure tone, 1 white noise).</param>
public sealed record RoomCues(double VoiceShare, double SyllableRhythm, double GapDepthDb, double Flatness)
{
    public static RoomCues None { get; } = new(0, 0, 0, 0);
}
