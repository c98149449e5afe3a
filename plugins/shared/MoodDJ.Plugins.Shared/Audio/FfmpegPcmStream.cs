using System.Buffers;
using System.Runtime.InteropServices;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Music;
using MoodDJ.Plugins.Shared.Processes;

namespace MoodDJ.Plugins.Shared.Audio;

/// <summary>
/// One track decoded by ffmpeg to f32le PCM on its standard output. Seeking restarts the pipeline
/// at the new position (ffmpeg's <c>-ss</c> before <c>-i</c>). A pipeline that dies (killed, broken
/// input) ends the stream with a <see cref="MusicSourceException"/> carrying ffmpeg's stderr tail.
/// </summary>
public sealed class FfmpegPcmStream : IPcmStream
{
    private const int ChunkBytes = 64 * 1024;
    private readonly Func<TimeSpan, CancellationToken, ValueTask<DecodePipeline>> _start;
    private readonly string _trackName;
    private readonly byte[] _bytes = ArrayPool<byte>.Shared.Rent(ChunkBytes);
    private readonly int _frameBytes;
    private DecodePipeline? _pipeline;
    private int _pendingStart, _pendingEnd; // bytes read but not yet handed out (partial frames, primed data)
    private TimeSpan _origin;
    private long _framesRead;
    private bool _ended;
    private bool _disposed;

    private FfmpegPcmStream(AudioFormat format, TimeSpan? duration, bool canSeek, string trackName,
        Func<TimeSpan, CancellationToken, ValueTask<DecodePipeline>> start)
    {
        Format = format;
        Duration = duration;
        CanSeek = canSeek;
        _trackName = trackName;
        _start = start;
        _frameBytes = format.Channels * sizeof(float);
    }

    /// <summary>Starts the pipeline at <paramref name="position"/> and waits for its first PCM, so a track that cannot play fails here with a clear reason.</summary>
    public static async ValueTask<FfmpegPcmStream> OpenAsync(AudioFormat format, TimeSpan? duration, bool canSeek, string trackName,
        TimeSpan position, Func<TimeSpan, CancellationToken, ValueTask<DecodePipeline>> start, CancellationToken cancellationToken)
    {
        var stream = new FfmpegPcmStream(format, duration, canSeek, trackName, start);
        try
        {
            await stream.RestartAsync(position, cancellationToken).ConfigureAwait(false);
            await stream.PrimeAsync(cancellationToken).ConfigureAwait(false);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public AudioFormat Format { get; }
    public TimeSpan? Duration { get; }
    public bool CanSeek { get; }
    public TimeSpan Position => _origin + TimeSpan.FromTicks(_framesRead * TimeSpan.TicksPerSecond / Format.SampleRate);

    public async ValueTask<int> ReadAsync(Memory<float> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var frames = buffer.Length / Format.Channels;
        if (frames == 0) return 0;
        while (_pendingEnd - _pendingStart < _frameBytes)
        {
            if (_ended || !await FillAsync(cancellationToken).ConfigureAwait(false))
                return 0;
        }
        var available = (_pendingEnd - _pendingStart) / _frameBytes;
        var n = Math.Min(frames, available);
        var bytes = _bytes.AsSpan(_pendingStart, n * _frameBytes);
        MemoryMarshal.Cast<byte, float>(bytes).CopyTo(buffer.Span);
        _pendingStart += bytes.Length;
        _framesRead += n;
        return n * Format.Channels;
    }

    public async ValueTask SeekAsync(TimeSpan position, CancellationToken cancellationToken = default)
    {
        if (!CanSeek) throw new NotSupportedException($"{_trackName} cannot seek.");
        if (position < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(position), position, "Cannot seek before the start.");
        await RestartAsync(position, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (_pipeline is { } p)
        {
            _pipeline = null;
            await p.DisposeAsync().ConfigureAwait(false);
        }
        ArrayPool<byte>.Shared.Return(_bytes);
    }

    private async ValueTask RestartAsync(TimeSpan position, CancellationToken cancellationToken)
    {
        if (_pipeline is { } old)
        {
            _pipeline = null;
            await old.DisposeAsync().ConfigureAwait(false);
        }
        _pipeline = await _start(position, cancellationToken).ConfigureAwait(false);
        _origin = position;
        _framesRead = 0;
        _pendingStart = _pendingEnd = 0;
        _ended = false;
    }

    private async ValueTask PrimeAsync(CancellationToken cancellationToken)
    {
        while (_pendingEnd - _pendingStart < _frameBytes)
        {
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
                throw new MusicSourceException($"{_trackName}: the decoder produced no audio.");
        }
    }

    /// <summary>Reads more bytes from ffmpeg; false at the end of a clean decode, throws if the pipeline failed.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_pendingStart > 0)
        {
            _bytes.AsSpan(_pendingStart, _pendingEnd - _pendingStart).CopyTo(_bytes);
            _pendingEnd -= _pendingStart;
            _pendingStart = 0;
        }
        var pipeline = _pipeline!;
        int n;
        try
        {
            n = await pipeline.Decoder.StandardOutput.ReadAsync(_bytes.AsMemory(_pendingEnd, ChunkBytes - _pendingEnd), cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new MusicSourceException($"{_trackName}: reading the decoder failed ({e.Message}).", e);
        }
        if (n > 0)
        {
            _pendingEnd += n;
            return true;
        }
        _ended = true;
        await pipeline.EnsureSucceededAsync(_trackName, cancellationToken).ConfigureAwait(false);
        return false;
    }
}

/// <summary>The processes behind one decode: ffmpeg, and optionally a feeder (yt-dlp) piped into it.</summary>
public sealed class DecodePipeline(RunningProcess decoder, RunningProcess? feeder = null, Task? pump = null) : IAsyncDisposable
{
    public RunningProcess Decoder { get; } = decoder;
    public RunningProcess? Feeder { get; } = feeder;

    /// <summary>After ffmpeg's output ended: throws a <see cref="MusicSourceException"/> if any stage failed.</summary>
    public async Task EnsureSucceededAsync(string trackName, CancellationToken cancellationToken)
    {
        if (Feeder is not null)
        {
            var feederCode = await Feeder.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (feederCode != 0)
                throw new MusicSourceException($"{trackName}: " + new ProcessCommandException(Feeder.Command, feederCode, Feeder.StderrTail,
                    Feeder.WasKilled ? "was stopped mid-track" : null).Message);
        }
        var code = await Decoder.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (code != 0)
            throw new MusicSourceException($"{trackName}: " + new ProcessCommandException(Decoder.Command, code, Decoder.StderrTail,
                Decoder.WasKilled ? "was stopped mid-track" : code == 137 || code == -9 ? "was killed mid-track" : null).Message);
    }

    public async ValueTask DisposeAsync()
    {
        if (Feeder is not null) await Feeder.DisposeAsync().ConfigureAwait(false);
        await Decoder.DisposeAsync().ConfigureAwait(false);
        if (pump is not null)
        {
            try { await pump.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); }
            catch (Exception) { /* the pump ends with its processes; nothing more to report */ }
        }
    }
}
