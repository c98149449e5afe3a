using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Music;

namespace MoodDJ.Music;

/// <summary>
/// One open track with its decode-ahead buffer: a background pump reads the source's PCM stream
/// into a bounded ring; the director takes from the ring without waiting. Like a DJ's deck.
/// </summary>
internal sealed class TrackDeck : IAsyncDisposable
{
    private readonly IPcmStream _stream;
    private readonly float[] _ring;
    private readonly int _chunk;
    private readonly object _gate = new();
    private readonly SemaphoreSlim _dataArrived = new(0, 1);
    private readonly SemaphoreSlim _spaceFreed = new(0, 1);
    private int _head, _count;
    private long _consumedSamples;
    private TimeSpan _origin;
    private CancellationTokenSource _pumpStop = new();
    private Task _pump = Task.CompletedTask;
    private volatile bool _pumpFinished;
    private bool _disposed;

    private readonly Action _pumpFinishedCallback;

    public TrackDeck(TrackInfo track, IMusicSource source, IPcmStream stream, int bufferSamples, Action? pumpFinished = null)
    {
        _pumpFinishedCallback = pumpFinished ?? (() => { });
        Track = track;
        Source = source;
        _stream = stream;
        var channels = stream.Format.Channels;
        _chunk = Math.Max(channels, Math.Min(4096, bufferSamples / 4) / channels * channels);
        _ring = new float[Math.Max(bufferSamples / channels * channels, 2 * _chunk)];
        _origin = stream.Position;
        StartedAt = DateTimeOffset.UtcNow;
        StartPump();
    }

    public TrackInfo Track { get; }
    public IMusicSource Source { get; }
    public DateTimeOffset StartedAt { get; }
    public bool CanSeek => _stream.CanSeek;

    /// <summary>What the source delivers (normally the program's format; the mixer resamples when not).</summary>
    public AudioFormat Format => _stream.Format;

    /// <summary>Why the pump stopped early (the decoder died), or null.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>The pump reached the end of the track (or failed): no more audio will arrive.</summary>
    public bool PumpFinished => _pumpFinished;

    /// <summary>Finished and fully consumed.</summary>
    public bool Drained
    {
        get { lock (_gate) return _pumpFinished && _count == 0; }
    }

    public int Available
    {
        get { lock (_gate) return _count; }
    }

    /// <summary>Where in the track the listener is (audio taken from the deck, not audio decoded).</summary>
    public TimeSpan Position
    {
        get { lock (_gate) return _origin + _stream.Format.DurationOf(_consumedSamples); }
    }

    /// <summary>Takes up to <paramref name="destination"/>.Length buffered samples; never waits.</summary>
    public int Read(Span<float> destination)
    {
        int n;
        lock (_gate)
        {
            n = Math.Min(destination.Length, _count);
            var first = Math.Min(n, _ring.Length - _head);
            _ring.AsSpan(_head, first).CopyTo(destination);
            _ring.AsSpan(0, n - first).CopyTo(destination[first..]);
            _head = (_head + n) % _ring.Length;
            _count -= n;
            _consumedSamples += n;
        }
        if (n > 0) Signal(_spaceFreed);
        return n;
    }

    /// <summary>Waits until audio arrives, the pump finishes, or <paramref name="timeout"/> passes.</summary>
    public async Task WaitForDataAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (Available > 0 || _pumpFinished || timeout <= TimeSpan.Zero) return;
        await _dataArrived.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves the track to <paramref name="position"/>: stops the pump, drops the buffer, seeks, restarts.</summary>
    public async Task SeekAsync(TimeSpan position, CancellationToken cancellationToken)
    {
        if (!_stream.CanSeek) throw new NotSupportedException($"'{Track}' cannot seek ({Track.Source} does not support it).");
        await StopPumpAsync().ConfigureAwait(false);
        lock (_gate)
        {
            _head = _count = 0;
            _consumedSamples = 0;
            _origin = position;
        }
        try
        {
            await _stream.SeekAsync(position, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            StartPump();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await StopPumpAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _pumpStop.Dispose();
    }

    private void StartPump()
    {
        _pumpFinished = false;
        Failure = null;
        _pumpStop = new CancellationTokenSource();
        var token = _pumpStop.Token;
        _pump = Task.Run(() => PumpAsync(token));
    }

    private async Task StopPumpAsync()
    {
        _pumpStop.Cancel();
        try
        {
            await _pump.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        var chunk = new float[_chunk];
        try
        {
            while (true)
            {
                while (_ring.Length - Available < chunk.Length)
                    await _spaceFreed.WaitAsync(cancellationToken).ConfigureAwait(false);
                var n = await _stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
                if (n == 0) break;
                lock (_gate)
                {
                    var tail = (_head + _count) % _ring.Length;
                    var first = Math.Min(n, _ring.Length - tail);
                    chunk.AsSpan(0, first).CopyTo(_ring.AsSpan(tail));
                    chunk.AsSpan(first, n - first).CopyTo(_ring);
                    _count += n;
                }
                Signal(_dataArrived);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return; // a seek or dispose stopped us; not the end of the track
        }
        catch (Exception e)
        {
            Failure = e;
        }
        _pumpFinished = true;
        Signal(_dataArrived);
        _pumpFinishedCallback(); // the director opens the next track now, while this one's buffer plays out
    }

    private static void Signal(SemaphoreSlim signal)
    {
        if (signal.CurrentCount > 0) return;
        try
        {
            signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // someone else signalled first; one wake-up is enough
        }
    }
}
