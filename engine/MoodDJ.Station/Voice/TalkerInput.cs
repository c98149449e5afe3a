using System.Runtime.InteropServices;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Codecs;
using NAudio.Wave;

namespace MoodDJ.Station.Voice;

/// <summary>
/// One talker as a mixer input: its frames decoded into an NAudio <see cref="BufferedWaveProvider"/>.
/// It starts to sound once <see cref="TalkOverOptions.PrefillMilliseconds"/> are queued (so the arrival
/// jitter of the control channel does not chop the voice), goes quiet again when the queue runs dry, and
/// drops its oldest audio when more than <see cref="TalkOverOptions.MaxLagMilliseconds"/> beyond the prefill piles up.
/// </summary>
internal sealed class TalkerInput : ISampleProvider, IDisposable
{
    private readonly IAudioDecoder _decoder;
    private readonly BufferedWaveProvider _queue;
    private readonly ISampleProvider _samples;
    private readonly float[] _decoded;
    private readonly int _prefillBytes;
    private readonly int _latestBytes;
    private readonly byte[] _discard;
    private readonly long _holdTicks;
    private bool _primed;
    private bool _ended;
    private long _lastFrameTicks;

    public TalkerInput(AudioFormat format, IAudioDecoder decoder, int frameSamplesPerChannel, TalkOverOptions options)
    {
        _decoder = decoder;
        WaveFormat = WaveFormat.CreateIeeeFloatWaveFormat(format.SampleRate, format.Channels);
        _queue = new BufferedWaveProvider(WaveFormat, TimeSpan.FromMilliseconds(options.MaxQueueMilliseconds))
        {
            DiscardOnBufferOverflow = false,
            ReadFully = false,
        };
        _samples = _queue.ToSampleProvider();
        _decoded = new float[frameSamplesPerChannel * format.Channels * 6];   // Opus may carry up to 120 ms
        _prefillBytes = WaveFormat.AverageBytesPerSecond * options.PrefillMilliseconds / 1000 / WaveFormat.BlockAlign * WaveFormat.BlockAlign;
        // More than this queued means the voice fell behind (a burst after a stall): the oldest goes,
        // so mouth-to-ear stays near the prefill rather than growing with every hiccup.
        _latestBytes = _prefillBytes + WaveFormat.AverageBytesPerSecond * options.MaxLagMilliseconds / 1000 / WaveFormat.BlockAlign * WaveFormat.BlockAlign;
        _discard = new byte[_latestBytes];
        _holdTicks = TimeSpan.FromMilliseconds(options.HoldMilliseconds).Ticks;
    }

    public WaveFormat WaveFormat { get; }

    /// <summary>Voice is queued or was heard within the hold time: the music stays ducked between words.</summary>
    public bool IsTalking => _queue.BufferedBytes > 0 || Environment.TickCount64 * TimeSpan.TicksPerMillisecond - _lastFrameTicks < _holdTicks;

    /// <summary>The talker ended and everything it said has played.</summary>
    public bool Finished => _ended && _queue.BufferedBytes == 0 || !IsTalking && _lastFrameTicks != 0;

    public bool TryAdd(ReadOnlySpan<byte> frame, out string? refusal)
    {
        _ended = false;
        int samples;
        try { samples = _decoder.Decode(frame, _decoded); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            refusal = $"The voice frame could not be decoded: {e.Message}";
            return false;
        }
        var bytes = samples * sizeof(float);
        if (_queue.BufferedBytes + bytes > _queue.BufferLength)
        {
            refusal = "Voice frames are arriving faster than real time; this one was dropped.";
            return false;
        }
        _queue.AddSamples(MemoryMarshal.AsBytes(_decoded.AsSpan(0, samples)));
        if (_primed && _queue.BufferedBytes > _latestBytes)
            _queue.Read(_discard.AsSpan(0, Math.Min(_discard.Length, _queue.BufferedBytes - _prefillBytes)));
        _lastFrameTicks = Environment.TickCount64 * TimeSpan.TicksPerMillisecond;
        refusal = null;
        return true;
    }

    public void End() => _ended = true;

    public int Read(Span<float> buffer)
    {
        if (!_primed && (_queue.BufferedBytes >= _prefillBytes || _ended)) _primed = _queue.BufferedBytes > 0;
        var n = _primed ? _samples.Read(buffer) : 0;
        if (n < buffer.Length)
        {
            buffer[n..].Clear();
            _primed = false;   // ran dry: wait for the prefill again rather than chop each word
        }
        return buffer.Length;   // never short: the mixer would drop this input for good
    }

    public void Dispose() => _decoder.Dispose();
}
