using MoodDJ.Abstractions.Audio;

namespace MoodDJ.Web.Tests;

/// <summary>
/// A test peer plays nowhere: it only relays and measures.
/// </summary>
internal sealed class DiscardOutput : IAudioOutput, IAudioPlayback
{
    public AudioFormat Format { get; private set; } = AudioFormat.SeedMono;

    public ValueTask<IAudioPlayback> OpenAsync(AudioFormat format, CancellationToken cancellationToken = default)
    {
        Format = format;
        return ValueTask.FromResult<IAudioPlayback>(this);
    }

    public ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask DrainAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
