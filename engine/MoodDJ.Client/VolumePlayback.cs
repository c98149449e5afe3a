using MoodDJ.Abstractions.Audio;

namespace MoodDJ.Client;

/// <summary>
/// Applies a listener's volume and mute on the way to the output (the station sends every listener
/// the same level; volume is the player's job, as in Snapcast). At full volume the samples pass
/// through untouched; otherwise they are scaled into one reused buffer, so nothing is allocated per frame.
/// </summary>
public sealed class VolumePlayback(IAudioPlayback inner) : IAudioPlayback
{
    private float[] _scaled = new float[4096];
    private volatile float _gain = 1f;

    public AudioFormat Format => inner.Format;

    /// <summary>Volume 0–100 (percent of full level).</summary>
    public int Volume { get; private set; } = 100;

    public bool Muted { get; private set; }

    /// <summary>The gain applied now (0 when muted).</summary>
    public float Gain => _gain;

    public void Set(int volume, bool muted)
    {
        Volume = Math.Clamp(volume, 0, 100);
        Muted = muted;
        // A perceptual (squared) curve: 50 % sounds about half as loud, not barely quieter.
        var linear = Volume / 100f;
        _gain = muted ? 0f : linear * linear;
    }

    public ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken = default)
    {
        var gain = _gain;
        if (gain == 1f) return inner.WriteAsync(samples, cancellationToken);
        if (_scaled.Length < samples.Length) _scaled = new float[samples.Length];
        var source = samples.Span;
        var target = _scaled.AsSpan(0, source.Length);
        for (var i = 0; i < source.Length; i++) target[i] = source[i] * gain;
        // The pipeline awaits each write before the next, so the one buffer is never shared.
        return inner.WriteAsync(_scaled.AsMemory(0, source.Length), cancellationToken);
    }

    public ValueTask DrainAsync(CancellationToken cancellationToken = default) => inner.DrainAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
