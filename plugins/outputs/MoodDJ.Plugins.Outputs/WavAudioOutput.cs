using MoodDJ.Abstractions.Audio;
using NAudio.Wave;

namespace MoodDJ.Plugins.Outputs;

/// <summary>"wav": writes a RIFF WAVE file of 16-bit PCM; the header gets its final sizes on drain and dispose.</summary>
public sealed class WavAudioOutput(string path) : IAudioOutput
{
    public string Path { get; } = string.IsNullOrWhiteSpace(path)
        ? throw new ArgumentException("The WAV path (plugins:settings:outputs:wavPath) must not be empty.", nameof(path))
        : path;

    public ValueTask<IAudioPlayback> OpenAsync(AudioFormat format, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var full = System.IO.Path.GetFullPath(Path);
        FileStream file;
        try
        {
            var folder = System.IO.Path.GetDirectoryName(full);
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
            file = new FileStream(full, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 64 * 1024); // synchronous: WaveFileWriter writes synchronously
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot write the WAV file '{full}': {e.Message} Set plugins:settings:outputs:wavPath to a writable path.", e);
        }
        return ValueTask.FromResult<IAudioPlayback>(new WavPlayback(file, format));
    }
}

/// <summary>
/// One WAV file being written by NAudio's <see cref="WaveFileWriter"/> (16-bit PCM, the canonical
/// 44-byte header). Samples are converted with <see cref="Pcm16"/> (MoodDJ's rounding and clipping:
/// the writer's own float path wraps out-of-range samples instead of clipping them).
/// </summary>
internal sealed class WavPlayback : IAudioPlayback
{
    /// <summary>RIFF sizes are 32-bit: stop before the data chunk would overflow them (NAudio would throw an ArgumentException mid-stream).</summary>
    internal const long MaxDataBytes = uint.MaxValue - 44;

    private readonly FileStream _file;
    private readonly WaveFileWriter _writer;
    private readonly byte[] _pcm = new byte[8192 * 2];
    private bool _disposed;

    public WavPlayback(FileStream file, AudioFormat format)
    {
        _file = file;
        Format = format;
        _writer = new WaveFileWriter(file, new WaveFormat(format.SampleRate, 16, format.Channels));
    }

    public AudioFormat Format { get; }

    public ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (samples.Length % Format.Channels != 0)
            throw new ArgumentException($"Write whole frames: {samples.Length} samples is not a multiple of {Format.Channels} channels.", nameof(samples));
        if (_writer.Length + samples.Length * 2L > MaxDataBytes)
            throw new IOException($"The WAV file '{_file.Name}' would exceed the format's 4 GiB limit.");
        for (var offset = 0; offset < samples.Length; offset += _pcm.Length / 2)
        {
            var chunk = samples.Span.Slice(offset, Math.Min(_pcm.Length / 2, samples.Length - offset));
            Pcm16.ToLittleEndian(chunk, _pcm);
            _writer.Write(_pcm.AsSpan(0, chunk.Length * 2));
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Flushes; the writer patches the header sizes, so the file is valid even while still open.</summary>
    public ValueTask DrainAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _writer.Flush();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        if (_disposed) return ValueTask.CompletedTask;
        _disposed = true;
        try
        {
            _writer.Dispose(); // patches the sizes; it does not own the stream
        }
        finally
        {
            _file.Dispose();
        }
        return ValueTask.CompletedTask;
    }
}
