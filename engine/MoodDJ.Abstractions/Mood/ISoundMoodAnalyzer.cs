namespace MoodDJ.Abstractions.Mood;

/// <summary>
/// Reads a mood from what a room sounds like (loudness, spectrum, beat, speech, noise) rather than from
/// words. Kind: "sound-mood-analyzer"; chosen by <c>use:soundMoodAnalyzer</c>.
/// </summary>
public interface ISoundMoodAnalyzer
{
    /// <summary>Reads mono PCM (−1..1) at <paramref name="sampleRate"/>. Silence or a clip too short to measure reads as a quiet room.</summary>
    MoodReading Analyze(ReadOnlySpan<float> mono, int sampleRate);

    /// <summary>
    /// Listens to <paramref name="source"/> for <paramref name="length"/> (null: as long as the plugin
    /// allows) and reads it: <c>alsa[:DEVICE]</c> captures from a microphone, anything else is an audio
    /// file path, of which the start is read.
    /// Throws <see cref="ArgumentException"/> naming what is wrong with the source or length, and
    /// <see cref="InvalidOperationException"/> when capture or decoding fails (with the tool's reason).
    /// </summary>
    ValueTask<MoodReading> ListenAsync(string source, TimeSpan? length = null, CancellationToken cancellationToken = default);
}
