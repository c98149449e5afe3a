using MoodDJ.Abstractions.Audio;

namespace MoodDJ.Plugins.Outputs;

/// <summary>
/// "stdout": raw s16le, interleaved, no header, to standard output, for piping into a player:
/// <c>mooddj … | aplay -f S16_LE -r 44100 -c 1</c> or <c>ffplay -f s16le -ar 44100 -ac 1 -</c>.
/// </summary>
public sealed class StdoutAudioOutput : IAudioOutput
{
    private readonly Func<Stream> _openStream;

    public StdoutAudioOutput() : this(Console.OpenStandardOutput)
    {
    }

    /// <summary>Writes to the stream <paramref name="openStream"/> returns instead (a pipe, a socket…).</summary>
    public StdoutAudioOutput(Func<Stream> openStream) => _openStream = openStream ?? throw new ArgumentNullException(nameof(openStream));

    public ValueTask<IAudioPlayback> OpenAsync(AudioFormat format, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<IAudioPlayback>(new RawPcmPlayback(_openStream(), format));
    }
}

/// <summary>Raw s16le to a stream it does not own (standard output outlives a playback).</summary>
internal sealed class RawPcmPlayback(Stream stream, AudioFormat format) : IAudioPlayback
{
    private readonly Pcm16StreamWriter _writer = new(stream);
    private bool _disposed;

    public AudioFormat Format { get; } = format;

    public long BytesWritten => _writer.BytesWritten;

    public async ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (samples.Length % Format.Channels != 0)
            throw new ArgumentException($"Write whole frames: {samples.Length} samples is not a multiple of {Format.Channels} channels.", nameof(samples));
        await _writer.WriteAsync(samples, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DrainAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            await stream.FlushAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The reader went away (a closed pipe); nothing left to deliver.
        }
    }
}
