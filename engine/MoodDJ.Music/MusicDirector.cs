using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;

namespace MoodDJ.Music;

/// <summary>
/// Turns moods into a continuous program of music. A background loader picks and opens tracks
/// (sources in fallback order, no recent repeats) on "decks" that decode ahead; <see cref="ReadAsync"/>
/// takes audio from the playing deck, mixes an equal-power crossfade when a new mood or a skip
/// brings in the next, and pads with silence when nothing is ready, so the caller is never held up.
/// One reader at a time (the station's pump); control calls may come from any thread.
/// </summary>
public sealed class MusicDirector : IAsyncDisposable
{
    private readonly MusicOptions _options;
    private readonly ILogger _logger;
    private readonly TrackPicker _picker;
    private readonly object _gate = new();
    private readonly SemaphoreSlim _wakeLoader = new(0, 1);
    private readonly SemaphoreSlim _deckReady = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loader;
    private readonly LinkedList<PlayedTrack> _history = new();
    private float[] _mixBuffer = [];

    // Guarded by _gate.
    private MoodReading? _mood;
    private int _moodVersion;
    private TrackDeck? _current;    // what is heard
    private TrackDeck? _next;       // opened ahead, starts when the current one ends
    private TrackDeck? _fadeIn;     // crossfading in over the current one
    private TrackDeck? _queuedFade; // waits for the running crossfade to finish
    private int _fadeFrames, _fadePosition, _queuedFadeFrames;
    private TrackEndReason _fadeOutReason, _queuedFadeReason;
    private (int Frames, TrackEndReason Reason)? _transitionRequest;
    private bool _loading;

    public MusicDirector(IReadOnlyList<IMusicSource> sources, AudioFormat format, MusicOptions options, ILogger<MusicDirector>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(options);
        if (sources.Count == 0) throw new ArgumentException("The director needs at least one music source (use:musicSources).", nameof(sources));
        options.Validate();
        Format = format;
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _picker = new TrackPicker(sources, format, options, _logger);
        _loader = Task.Run(() => LoaderLoopAsync(_stop.Token));
    }

    public AudioFormat Format { get; }

    /// <summary>The mood the program follows (null until the first one is set).</summary>
    public MoodReading? Mood
    {
        get { lock (_gate) return _mood; }
    }

    public TrackInfo? NowPlaying
    {
        get { lock (_gate) return _current?.Track; }
    }

    /// <summary>How far into <see cref="NowPlaying"/> the listener is.</summary>
    public TimeSpan Position
    {
        get { lock (_gate) return _current?.Position ?? TimeSpan.Zero; }
    }

    /// <summary>Tracks lined up after the current one (the next, already opened, comes first).</summary>
    public IReadOnlyList<TrackInfo> Queue
    {
        get
        {
            lock (_gate)
            {
                var upcoming = new List<TrackInfo>();
                foreach (var deck in new[] { _fadeIn, _queuedFade, _next })
                    if (deck is not null) upcoming.Add(deck.Track);
                upcoming.AddRange(_picker.Queue);
                return upcoming;
            }
        }
    }

    /// <summary>True while a crossfade (mood change or skip) is bringing in the next track.</summary>
    public bool IsCrossfading
    {
        get { lock (_gate) return _fadeIn is not null; }
    }

    /// <summary>Tracks that were played, oldest first (at most music:historyLimit).</summary>
    public IReadOnlyList<PlayedTrack> History
    {
        get { lock (_history) return [.. _history]; }
    }

    /// <summary>Raised (on the reading thread) when the playing track changes.</summary>
    public event EventHandler<TrackChangedEventArgs>? TrackChanged;

    /// <summary>
    /// Follows <paramref name="mood"/> from now on: at the next track ("next-track") or at once with a
    /// crossfade ("crossfade"), per music:moodChange. Returns at once; the loader does the work.
    /// </summary>
    public ValueTask SetMoodAsync(MoodReading mood, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mood);
        TrackDeck? stale;
        lock (_gate)
        {
            _mood = mood;
            _moodVersion++;
            stale = _next;
            _next = null;
            _picker.ClearQueue();
            if (_options.CrossfadeOnMoodChange && _current is not null)
                _transitionRequest = (FramesFor(_options.CrossfadeMs), TrackEndReason.MoodChanged);
        }
        _logger.LogInformation("Mood set to {Mood} (valence {Valence:0.00}, arousal {Arousal:0.00})", mood.Label, mood.Valence, mood.Arousal);
        Signal(_wakeLoader);
        return DisposeLaterAsync(stale);
    }

    /// <summary>Moves on to the next track at once (with a short fade so there is no click).</summary>
    public ValueTask SkipAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_current is null && _fadeIn is null) return ValueTask.CompletedTask;
            if (_next is { } ready && _fadeIn is null)
            {
                _next = null;
                StartFadeLocked(ready, FramesFor(_options.SkipFadeMs), TrackEndReason.Skipped);
            }
            else
            {
                _transitionRequest = (FramesFor(_options.SkipFadeMs), TrackEndReason.Skipped);
            }
        }
        Signal(_wakeLoader);
        return ValueTask.CompletedTask;
    }

    /// <summary>Moves within the playing track. Throws when nothing plays or the track's source cannot seek.</summary>
    public async ValueTask SeekAsync(TimeSpan position, CancellationToken cancellationToken = default)
    {
        TrackDeck deck;
        lock (_gate)
            deck = _current ?? throw new InvalidOperationException("Nothing is playing, so there is nothing to seek in.");
        if (position < TimeSpan.Zero || deck.Track.Duration is { } d && position >= d)
            throw new ArgumentOutOfRangeException(nameof(position), position, $"Position must be within the track (0..{deck.Track.Duration}).");
        try
        {
            await deck.SeekAsync(position, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            throw new InvalidOperationException($"'{deck.Track}' ended while seeking; seek in the track that plays now.");
        }
    }

    /// <summary>
    /// Fills <paramref name="buffer"/> (whole frames) with the program: music when a track is ready,
    /// silence otherwise. Waits at most music:maxReadWaitMs for audio that is on its way.
    /// </summary>
    public async ValueTask<int> ReadAsync(Memory<float> buffer, CancellationToken cancellationToken = default)
    {
        var total = buffer.Length / Format.Channels * Format.Channels;
        var filled = 0;
        var deadline = Environment.TickCount64 + _options.MaxReadWaitMs;
        while (filled < total)
        {
            TrackChangedEventArgs? changed;
            TrackDeck? waitOn;
            bool loading;
            int n;
            lock (_gate)
            {
                changed = PromoteLocked();
                n = _current is null ? 0 : MixLocked(buffer.Span[filled..total]);
                changed = FinishDrainedLocked(mayHold: Environment.TickCount64 < deadline) ?? changed;
                waitOn = _current is { Drained: true } ? null
                    : _fadeIn is { Available: 0, PumpFinished: false } ? _fadeIn : _current;
                loading = _mood is not null;
            }
            if (changed is not null) RaiseTrackChanged(changed);
            filled += n;
            if (n > 0 || changed is not null) continue;

            var remaining = deadline - Environment.TickCount64;
            if (remaining <= 0 || !loading) break;
            if (waitOn is not null)
                await waitOn.WaitForDataAsync(TimeSpan.FromMilliseconds(remaining), cancellationToken).ConfigureAwait(false);
            else
                await _deckReady.WaitAsync(TimeSpan.FromMilliseconds(remaining), cancellationToken).ConfigureAwait(false);
        }
        buffer.Span[filled..total].Clear();
        return total;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        try
        {
            await _loader.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        TrackDeck?[] decks;
        lock (_gate)
        {
            decks = [_current, _next, _fadeIn, _queuedFade];
            if (_current is not null) AddHistory(_current, TrackEndReason.Stopped, null);
            _current = _next = _fadeIn = _queuedFade = null;
        }
        foreach (var deck in decks)
            if (deck is not null) await deck.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>Brings in a waiting deck when nothing is heard.</summary>
    private TrackChangedEventArgs? PromoteLocked()
    {
        if (_current is not null) return null;
        var incoming = _fadeIn ?? _next;
        if (incoming is null) return null;
        if (incoming == _fadeIn) _fadeIn = null; else _next = null;
        _current = incoming;
        Signal(_wakeLoader); // it may now open the one after
        _logger.LogInformation("Now playing {Track} ({Source})", incoming.Track, incoming.Track.Source);
        return new TrackChangedEventArgs(null, incoming.Track, null);
    }

    /// <summary>Takes audio from the current deck, crossfading with the incoming one if a fade runs.</summary>
    private int MixLocked(Span<float> destination)
    {
        var current = _current!;
        if (_fadeIn is not { } incoming)
            return current.Read(destination);

        var channels = Format.Channels;
        var frames = Math.Min(destination.Length / channels, _fadeFrames - _fadePosition);
        frames = Math.Min(frames, incoming.Available / channels);
        if (!current.PumpFinished) frames = Math.Min(frames, current.Available / channels);
        if (frames <= 0) return 0;
        var samples = frames * channels;
        if (_mixBuffer.Length < samples) _mixBuffer = new float[samples];
        var outgoing = destination[..samples];
        var got = current.Read(outgoing);
        outgoing[got..].Clear(); // the outgoing track ended inside the fade: it fades out from silence
        incoming.Read(_mixBuffer.AsSpan(0, samples));
        for (var f = 0; f < frames; f++)
        {
            // Equal power: cos² + sin² = 1, so uncorrelated tracks keep their loudness through the fade.
            var t = (double)(_fadePosition + f + 1) / _fadeFrames * Math.PI / 2;
            float gainOut = (float)Math.Cos(t), gainIn = (float)Math.Sin(t);
            for (var c = 0; c < channels; c++)
            {
                var i = f * channels + c;
                outgoing[i] = outgoing[i] * gainOut + _mixBuffer[i] * gainIn;
            }
        }
        _fadePosition += frames;
        return samples;
    }

    /// <summary>Retires the current deck when its fade completed or it played out (or died).</summary>
    private TrackChangedEventArgs? FinishDrainedLocked(bool mayHold)
    {
        if (_current is not { } current) return null;
        TrackEndReason reason;
        if (_fadeIn is { } incoming && _fadePosition >= _fadeFrames)
        {
            reason = _fadeOutReason;
            _current = incoming;
            _fadeIn = null;
            if (_queuedFade is { } queued)
            {
                _queuedFade = null;
                StartFadeLocked(queued, _queuedFadeFrames, _queuedFadeReason);
            }
        }
        else if (current.Drained && _fadeIn is null)
        {
            if (mayHold && _next is null && _loading)
                return null; // the next track is opening: hand over directly rather than through silence
            reason = current.Failure is null ? TrackEndReason.Ended : TrackEndReason.Failed;
            _current = null;
        }
        else return null;

        var error = current.Failure?.Message;
        if (reason == TrackEndReason.Failed)
            _logger.LogWarning("{Track} stopped mid-way: {Reason}; the next track takes over", current.Track, error);
        AddHistory(current, reason, error);
        _ = DisposeLaterAsync(current);
        Signal(_wakeLoader);
        var promoted = PromoteLocked();
        if (_current is not null && promoted is null)
            _logger.LogInformation("Now playing {Track} ({Source})", _current.Track, _current.Track.Source);
        return new TrackChangedEventArgs(current.Track, _current?.Track, reason);
    }

    private void StartFadeLocked(TrackDeck incoming, int frames, TrackEndReason reason)
    {
        if (_current is null)
        {
            if (_next is { } replaced) _ = DisposeLaterAsync(replaced);
            _next = incoming; // nothing to fade from: it simply starts
            return;
        }
        if (_fadeIn is not null)
        {
            if (_queuedFade is { } dropped) _ = DisposeLaterAsync(dropped);
            (_queuedFade, _queuedFadeFrames, _queuedFadeReason) = (incoming, frames, reason);
            return;
        }
        (_fadeIn, _fadeFrames, _fadePosition, _fadeOutReason) = (incoming, Math.Max(1, frames), 0, reason);
    }

    /// <summary>Opens tracks ahead of need: the first for a mood, the next near a track's end, and the one a crossfade or skip asks for.</summary>
    private async Task LoaderLoopAsync(CancellationToken cancellationToken)
    {
        var retryAt = long.MaxValue;
        while (!cancellationToken.IsCancellationRequested)
        {
            var wait = retryAt == long.MaxValue ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(Math.Max(0, retryAt - Environment.TickCount64));
            await _wakeLoader.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
            retryAt = long.MaxValue;

            MoodReading? mood;
            int version;
            bool needed;
            lock (_gate)
            {
                mood = _mood;
                version = _moodVersion;
                needed = mood is not null && (_transitionRequest is not null
                    || (_next is null && _fadeIn is null && (_current is null || _current.PumpFinished)));
                _loading = needed;
            }
            if (!needed) continue;

            TrackDeck? deck;
            try
            {
                deck = await _picker.OpenNextAsync(mood!, () => Signal(_wakeLoader), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Picking the next track failed");
                deck = null;
            }
            if (deck is null)
            {
                lock (_gate) _loading = false;
                retryAt = Environment.TickCount64 + _options.RetryDelayMs;
                continue;
            }

            TrackDeck? unused = null;
            lock (_gate)
            {
                _loading = false;
                if (version != _moodVersion)
                    unused = deck; // picked for a mood that is no longer wanted; the loop opens another
                else if (_transitionRequest is { } request)
                {
                    _transitionRequest = null;
                    StartFadeLocked(deck, request.Frames, request.Reason);
                }
                else if (_next is null)
                    _next = deck;
                else
                    unused = deck;
            }
            if (unused is not null) await unused.DisposeAsync().ConfigureAwait(false);
            Signal(_deckReady);
            Signal(_wakeLoader); // look again: another request may have come in meanwhile
        }
    }

    private void AddHistory(TrackDeck deck, TrackEndReason reason, string? error)
    {
        lock (_history)
        {
            _history.AddLast(new PlayedTrack(deck.Track, deck.StartedAt, deck.Position, reason, error));
            while (_history.Count > _options.HistoryLimit) _history.RemoveFirst();
        }
    }

    private void RaiseTrackChanged(TrackChangedEventArgs e)
    {
        try
        {
            TrackChanged?.Invoke(this, e);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "A TrackChanged handler threw");
        }
    }

    private int FramesFor(int milliseconds) => (int)((long)Format.SampleRate * milliseconds / 1000);

    private static ValueTask DisposeLaterAsync(TrackDeck? deck)
    {
        if (deck is null) return ValueTask.CompletedTask;
        // Off the reading thread: stopping a decoder waits for its process to exit.
        _ = Task.Run(async () => await deck.DisposeAsync().ConfigureAwait(false));
        return ValueTask.CompletedTask;
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
        }
    }
}
