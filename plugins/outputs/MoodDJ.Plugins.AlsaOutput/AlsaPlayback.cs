using System.Diagnostics;
using MoodDJ.Abstractions.Audio;

namespace MoodDJ.Plugins.AlsaOutput;

/// <summary>
/// One open ALSA playback. Writes are non-blocking: when the device buffer is full it waits a little
/// and retries, and a wall clock keeps the writer no more than the latency ahead of real time.
/// </summary>
internal sealed class AlsaPlayback : IAudioPlayback
{
    private const int ChunkFrames = 1024;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(5);

    private readonly AlsaPcmHandle _pcm;
    private readonly string _device;
    private readonly TimeSpan _latency;
    private readonly short[] _buffer;
    private readonly Stopwatch _clock = new();
    private long _framesWritten;
    private bool _disposed;

    public AlsaPlayback(AlsaPcmHandle pcm, AudioFormat format, string device, TimeSpan latency)
    {
        _pcm = pcm;
        _device = device;
        _latency = latency;
        Format = format;
        _buffer = new short[ChunkFrames * format.Channels];
    }

    public AudioFormat Format { get; }

    /// <summary>How much audio has been handed to the device.</summary>
    public TimeSpan Written => TimeSpan.FromTicks(_framesWritten * TimeSpan.TicksPerSecond / Format.SampleRate);

    public async ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var channels = Format.Channels;
        if (samples.Length % channels != 0)
            throw new ArgumentException($"Write whole frames: {samples.Length} samples is not a multiple of {channels} channels.", nameof(samples));
        if (!_clock.IsRunning) _clock.Start();

        var offset = 0;
        while (offset < samples.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(_buffer.Length, samples.Length - offset);
            Convert(samples.Span.Slice(offset, count));
            var frames = count / channels;
            var done = 0;
            while (done < frames)
            {
                var result = WriteFrames(done, frames - done);
                if (result == -AlsaNative.EAGAIN)
                {
                    await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                if (result < 0)
                {
                    // An underrun (-EPIPE) or suspend (-ESTRPIPE): recover and go on; anything else is fatal.
                    var recovered = AlsaNative.snd_pcm_recover(_pcm, (int)result, 1);
                    if (recovered < 0)
                        throw new IOException($"ALSA device '{_device}' failed while playing ({result}: {AlsaNative.ErrorText((int)result)}).");
                    continue;
                }
                done += (int)result;
                _framesWritten += result;
            }
            offset += count;
            var ahead = Written - _clock.Elapsed - _latency;
            if (ahead > TimeSpan.Zero) await Task.Delay(ahead, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DrainAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var ahead = Written - _clock.Elapsed;
        if (ahead > TimeSpan.Zero) await Task.Delay(ahead, cancellationToken).ConfigureAwait(false);
        // The clock says it has played; let the device finish its buffer, then be ready for more.
        AlsaNative.snd_pcm_nonblock(_pcm, 0);
        AlsaNative.snd_pcm_drain(_pcm);
        AlsaNative.snd_pcm_nonblock(_pcm, 1);
        AlsaNative.snd_pcm_prepare(_pcm);
    }

    public ValueTask DisposeAsync()
    {
        if (_disposed) return ValueTask.CompletedTask;
        _disposed = true;
        AlsaNative.snd_pcm_drop(_pcm);
        _pcm.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Convert(ReadOnlySpan<float> samples)
    {
        for (var i = 0; i < samples.Length; i++)
        {
            var s = samples[i];
            var scaled = float.IsNaN(s) ? 0 : MathF.Round(s * 32768f);
            _buffer[i] = scaled >= short.MaxValue ? short.MaxValue : scaled <= short.MinValue ? short.MinValue : (short)scaled;
        }
    }

    private unsafe nint WriteFrames(int startFrame, int frames)
    {
        fixed (short* data = &_buffer[startFrame * Format.Channels])
            return AlsaNative.snd_pcm_writei(_pcm, data, (nuint)frames);
    }
}
