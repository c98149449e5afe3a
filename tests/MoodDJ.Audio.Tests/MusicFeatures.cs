using MoodDJ.Abstractions.Music;
using MoodDJ.Testing;

namespace MoodDJ.Audio.Tests;

/// <summary>What the tests measure from rendered music: tempo, brightness and mode.</summary>
internal sealed record MusicFeatures(double Bpm, double CentroidHz, double MajorThirdRatio)
{
    private static readonly string[] KeyNames = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"];

    public bool SoundsMajor => MajorThirdRatio > 1;

    /// <summary>
    /// Measures mono samples. The mode is read from the spectrum relative to the track's declared
    /// tonic: energy on the major third against the minor third.
    /// </summary>
    public static MusicFeatures Measure(float[] mono, int sampleRate, TrackInfo track)
    {
        var analysis = SpectralAnalysis.Of(mono, sampleRate);
        var tonic = Array.IndexOf(KeyNames, track.Tags["key"]);
        Assert.True(tonic >= 0, $"unknown key tag {track.Tags["key"]}");
        var c = analysis.Chroma;
        return new MusicFeatures(
            TempoEstimator.EstimateBpm(analysis.OnsetEnvelope, analysis.EnvelopeRate),
            analysis.CentroidHz,
            c[(tonic + 4) % 12] / c[(tonic + 3) % 12]);
    }
}
