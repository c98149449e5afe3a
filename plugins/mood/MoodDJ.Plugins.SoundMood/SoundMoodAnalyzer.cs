using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Plugins.SoundMood;

/// <summary>The "audio" sound mood analyzer: a clip from <see cref="SoundClipReader"/>, measured by <see cref="RoomSoundMeter"/>, read by <see cref="RoomMoodReader"/>.</summary>
public sealed class SoundMoodAnalyzer(SoundMoodOptions options) : ISoundMoodAnalyzer
{
    private readonly SoundClipReader _reader = new(options);

    public MoodReading Analyze(ReadOnlySpan<float> mono, int sampleRate)
    {
        // Devices and files can hand over NaN, infinities or values far past full scale (ALSA's null
        // device captures uninitialised memory): clip to −1..1 so every measure stays finite.
        var clean = new float[mono.Length];
        for (var i = 0; i < mono.Length; i++)
            clean[i] = float.IsFinite(mono[i]) ? Math.Clamp(mono[i], -1f, 1f) : 0f;
        return RoomMoodReader.Read(RoomSoundMeter.Measure(clean, sampleRate));
    }

    public async ValueTask<MoodReading> ListenAsync(string source, TimeSpan? length = null, CancellationToken cancellationToken = default)
    {
        var clip = await _reader.ReadAsync(source, length ?? options.MaxListen, cancellationToken).ConfigureAwait(false);
        if (clip.Length == 0)
            throw new InvalidOperationException($"'{source}' gave no audio.");
        return Analyze(clip, options.SampleRate);
    }
}
