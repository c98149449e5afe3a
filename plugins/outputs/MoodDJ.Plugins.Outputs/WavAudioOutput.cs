using MoodDJ.Abstractions.Audio;

namespace MoodDJ.Plugins.Outputs;

/// <summary>"wav": writes a RIFF WAVE file of 16-bit PCM; the header gets its final sizes on dispose.</summary>
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
            file = new FileStream(full, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 64 * 1024, useAsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot write the WAV file '{full}': {e.Message} Set plugins:settings:outputs:wavPath to a writable path.", e);
        }
        return ValueTask.FromResult<IAudioPlayback>(new WavPlayback(file, format));
    }
}

/// <summary>One WAV file being written.</summary>
internal sealed class WavPlayback : IAudioPlayback
{
    /// <summary>RIFF sizes are 32-bit: stop before the data chunk would overflow them.</summary>
    internal const long MaxDataBytes = uint.MaxValue - WavHeader.Size;

    private readonly FileStream _file;
    private readonly Pcm16StreamWriter _writer;
    private readonly byte[] _header = new byte[WavHeader.Size];
    private bool _disposed;

    public WavPlayback(FileStream file, AudioFormat format)
    {
        _file = file;
        Format = format;
        _writer = new Pcm16StreamWriter(file);
        Span<byte> header = stackalloc byte[WavHeader.Size];
        WavHeader.Write(header, format, 0);
        file.Write(header);
    }

    public AudioFormat Format { get; }

    public async ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (samples.Length % Format.Channels != 0)
            throw new ArgumentException($"Write whole frames: {samples.Length} samples is not a multiple of {Format.Channels} channels.", nameof(samples));
        if (_writer.BytesWritten + samples.Length * 2L > MaxDataBytes)
            throw new IOException($"The WAV file '{_file.Name}' would exceed the format's 4 GiB limit.");
        await _writer.WriteAsync(samples, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Flushes and patches the header, so the file is valid even while still open.</summary>
    public async ValueTask DrainAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await PatchHeaderAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            await PatchHeaderAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await _file.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask PatchHeaderAsync(CancellationToken cancellationToken)
    {
        WavHeader.Write(_header, Format, _writer.BytesWritten);
        var end = _file.Position;
        _file.Position = 0;
        await _file.WriteAsync(_header, cancellationToken).ConfigureAwait(false);
        _file.Position = end;
        await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
