using MoodDJ.Abstractions.Audio;

namespace MoodDJ.Host.Web.Peers;

/// <summary>
/// The host's relaying peer plays nowhere: its job is to relay and to measure; the browsers keep
/// their own players. The player paces itself on the network, so writing nowhere costs nothing.
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
