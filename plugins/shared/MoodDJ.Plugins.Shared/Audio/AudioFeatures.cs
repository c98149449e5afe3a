namespace MoodDJ.Plugins.Shared.Audio;

/// <summary>
/// What the analysis measured on a track's excerpt.
/// </summary>
/// <param name="LoudnessDb">Mean power of the excerpt, high-passed at ~60 Hz and gated at −70 dBFS (a LUFS-like figure, dBFS).</param>
/// <param name="Energy">Share of frames louder than −30 dBFS (0..1): how much of the time the track is "busy".</param>
/// <param name="BrightnessHz">Energy-weighted mean spectral centroid.</param>
/// <param name="TempoBpm">Tempo estimate from onset-envelope autocorrelation (0 when no beat was found).</param>
/// <param name="TempoConfidence">Autocorrelation peak relative to zero lag (0..1).</param>
/// <param name="OnsetsPerSecond">Peaks in the onset envelope per second.</param>
public sealed record AudioFeatures(double LoudnessDb, double Energy, double BrightnessHz, double TempoBpm, double TempoConfidence, double OnsetsPerSecond);
