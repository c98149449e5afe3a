using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;
using MoodDJ.Music.Mixing;

// Over 300 lines on purpose: the loader loop, the hand-over rules and the read loop share one lock
// and one set of deck states; split apart they would each need the others' invariants. The audio
// itself (mixing, fades, resampling) lives in Mixing/DeckMixer.

namespace MoodDJ.Music;

/// <summary>
/// Turns moods into a continuous program of music. A background loader picks and opens tracks
/// (sources in fallback order, no recent repeats, the listeners' likes first and dislikes never) on
/// "decks" that decode ahead; <see cref="ReadAsync"/> takes the program from a <see cref="DeckMixer"/>
/// (NAudio) in which a new mood or a skip crossfades the next deck in, and pads with silence when
/// nothing is ready, so the caller is never held up.
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
    private readonly List<(TrackDeck Deck, TrackEndReason? Reason)> _ended = [];

    // Guarded by _gate.
    private readonly DeckMixer _mixer;
    private MoodReading? _mood;
    private int _moodVersion;
    private TrackDeck? _next;       // opened ahead, starts when the current one ends
    private TrackDeck? _heldEnded;  // the heard deck played out while the next one is still opening
    private (int Frames, TrackEndReason Reason, TaskCompletionSource Started)? _transitionRequest;
    private TrackChangedEventArgs? _pendingChange; // a crossfade started off the reading thread; raised on the next read
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
        _mixer = new DeckMixer(format);
        _picker = new TrackPicker(sources, format, options, TrackPreferences.Load(options.ResolvedPreferencesFile, _logger), _logger);
        _loader = Task.Run(() => LoaderLoopAsync(_stop.Token));
    }

    public AudioFormat Format { get; }

    /// <summary>The mood the program follows (null until the first one is set).</summary>
    public MoodReading? Mood
    {
        get { lock (_gate) return _mood; }
    }

    /// <summary>The track heard now; during a crossfade, the one coming in.</summary>
    public TrackInfo? NowPlaying
    {
        get { lock (_gate) return (_mixer.Current ?? _heldEnded)?.Track; }
    }

    /// <summary>How far into <see cref="NowPlaying"/> the listener is.</summary>
    public TimeSpan Position
    {
        get { lock (_gate) return (_mixer.Current ?? _heldEnded)?.Position ?? TimeSpan.Zero; }
    }

    /// <summary>Tracks lined up after the current one (the next, already opened, comes first).</summary>
    public IReadOnlyList<TrackInfo> Queue
    {
        get
        {
            lock (_gate)
            {
                var upcoming = new List<TrackInfo>();
                if (_next is not null) upcoming.Add(_next.Track);
                upcoming.AddRange(_picker.Queue);
                return upcoming;
            }
        }
    }

    /// <summary>True while a crossfade (mood change or skip) is bringing in the next track.</summary>
    public bool IsCrossfading
    {
        get { lock (_gate) return _mixer.IsCrossfading; }
    }

    /// <summary>Tracks that were played, oldest first (at most music:historyLimit).</summary>
    public IReadOnlyList<PlayedTrack> History
    {
        get { lock (_history) return [.. _history]; }
    }

    /// <summary>Raised (on the reading thread) when the playing track changes.</summary>
    public event EventHandler<TrackChangedEventArgs>? TrackChanged;

    /// <summary>
    /// Follows <paramref name="mood"/> from now on: at once with a crossfade ("crossfade", the default)
    /// or at the next track ("next-track"), per music:moodChange. With a crossfade it returns once the
    /// new track has started fading in (so <see cref="NowPlaying"/> names it), or after
    /// music:moodChangeWaitMs while the sources are still looking.
    /// </summary>
    public async ValueTask SetMoodAsync(MoodReading mood, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mood);
        TrackDeck? stale;
        Task? started = null;
        lock (_gate)
        {
            _mood = mood;
            _moodVersion++;
            stale = _next;
            _next = null;
            _picker.ClearQueue();
            _transitionRequest?.Started.TrySetResult(); // superseded
            _transitionRequest = null;
            if (_options.CrossfadeOnMoodChange && _mixer.Current is not null)
            {
                var request = (FramesFor(_options.CrossfadeMs), TrackEndReason.MoodChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                _transitionRequest = request;
                started = request.Item3.Task;
            }
        }
        _logger.LogInformation("Mood set to {Mood} (valence {Valence:0.00}, arousal {Arousal:0.00})", mood.Label, mood.Valence, mood.Arousal);
        Signal(_wakeLoader);
        _ = DisposeLaterAsync(stale);
        if (started is null) return;
        try
        {
            await started.WaitAsync(TimeSpan.FromMilliseconds(_options.MoodChangeWaitMs), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // still opening: the crossfade starts when it is ready, and TrackChanged says so
        }
    }

    /// <summary>What the sources offer for <paramref name="mood"/> (the present mood when null, else neutral): a room's "what can I play".</summary>
    public Task<IReadOnlyList<TrackInfo>> CatalogAsync(MoodReading? mood, int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        MoodReading? present;
        lock (_gate) present = _mood;
        return _picker.CatalogAsync(mood ?? present ?? new MoodReading(MoodLabel.Neutral, 0, 0, 0), count, cancellationToken);
    }

    /// <summary>
    /// Plays a track the catalog listed (or one in the queue) now, from <paramref name="start"/>, with the
    /// skip fade. Needs a mood (the track plays within it; the queue goes on from there). Returns the track.
    /// </summary>
    public async ValueTask<TrackInfo> PlayAsync(string source, string id, TimeSpan start, CancellationToken cancellationToken = default)
    {
        TrackInfo track;
        TrackDeck? stale;
        bool playing;
        lock (_gate)
        {
            if (_mood is null) throw new InvalidOperationException("Set a mood first (prompt): a chosen track plays within the station's mood.");
            track = _picker.PlayFirst(source, id);
            if (start < TimeSpan.Zero || track.Duration is { } d && start >= d)
                throw new ArgumentOutOfRangeException(nameof(start), start, $"The start must be within the track (0..{track.Duration}).");
            stale = _next;   // opened for the old queue order
            _next = null;
            playing = _mixer.Current is not null || _heldEnded is not null;
        }
        _ = DisposeLaterAsync(stale);
        _logger.LogInformation("Playing {Track} on request{From}", track, start > TimeSpan.Zero ? $" from {start}" : "");
        if (playing) await SkipAsync(TrackEndReason.Skipped, cancellationToken).ConfigureAwait(false);
        else Signal(_wakeLoader);
        if (start == TimeSpan.Zero) return track;
        var deadline = Environment.TickCount64 + _options.MoodChangeWaitMs;
        while (NowPlaying is not { } now || now.Source != track.Source || now.Id != track.Id)
        {
            if (Environment.TickCount64 > deadline) throw new TimeoutException($"'{track}' did not start within {_options.MoodChangeWaitMs} ms, so it was not moved to {start}.");
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
        await SeekAsync(start, cancellationToken).ConfigureAwait(false);
        return track;
    }

    /// <summary>Moves on to the next track at once (with a short fade so there is no click); returns once it has started, so <see cref="NowPlaying"/> names it.</summary>
    public ValueTask SkipAsync(CancellationToken cancellationToken = default) => SkipAsync(TrackEndReason.Skipped, cancellationToken);

    /// <summary>
    /// "Not this one": never picks the playing track for the present mood again (remembered across
    /// restarts) and skips it. Returns the track disliked, or null when nothing plays.
    /// </summary>
    public async ValueTask<TrackInfo?> DislikeAsync(CancellationToken cancellationToken = default)
    {
        TrackInfo? track;
        MoodReading? mood;
        lock (_gate) (track, mood) = ((_mixer.Current ?? _heldEnded)?.Track, _mood);
        if (track is null || mood is null) return null;
        await _picker.Preferences.DislikeAsync(mood.Label, track, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Disliked {Track} for {Mood}: it will not be picked for that mood again", track, mood.Label);
        await SkipAsync(TrackEndReason.Disliked, cancellationToken).ConfigureAwait(false);
        return track;
    }

    /// <summary>Remembers that the playing track suits the present mood: it is picked first for that mood from now on (across restarts).</summary>
    public async ValueTask<TrackInfo?> LikeAsync(CancellationToken cancellationToken = default)
    {
        TrackInfo? track;
        MoodReading? mood;
        lock (_gate) (track, mood) = ((_mixer.Current ?? _heldEnded)?.Track, _mood);
        if (track is null || mood is null) return null;
        await _picker.Preferences.LikeAsync(mood.Label, track, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Liked {Track} for {Mood}", track, mood.Label);
        return track;
    }

    /// <summary>Moves within the playing track. Throws when nothing plays or the track's source cannot seek.</summary>
    public async ValueTask SeekAsync(TimeSpan position, CancellationToken cancellationToken = default)
    {
        TrackDeck deck;
        lock (_gate)
            deck = _mixer.Current ?? throw new InvalidOperationException("Nothing is playing, so there is nothing to seek in.");
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
                changed = _pendingChange;
                _pendingChange = null;
                changed = PromoteLocked() ?? changed;
                var readable = _mixer.Readable(total - filled, out waitOn);
                n = readable > 0 ? _mixer.Read(buffer.Span.Slice(filled, readable), _ended) : 0;
                changed = RetireEndedLocked(mayHold: Environment.TickCount64 < deadline) ?? changed;
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
        List<TrackDeck> decks;
        lock (_gate)
        {
            if ((_mixer.Current ?? _heldEnded) is { } heard) AddHistory(heard, TrackEndReason.Stopped, null);
            decks = [.. _mixer.Decks];
            if (_next is not null) decks.Add(_next);
            if (_heldEnded is not null) decks.Add(_heldEnded);
            _mixer.Clear();
            _next = _heldEnded = null;
            _transitionRequest?.Started.TrySetResult();
        }
        foreach (var deck in decks.Distinct())
            await deck.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>Skips with a short fade; returns once the next track has started (so NowPlaying names it), or after music:moodChangeWaitMs.</summary>
    private async ValueTask SkipAsync(TrackEndReason reason, CancellationToken cancellationToken = default)
    {
        Task started;
        lock (_gate)
        {
            if (_mixer.Current is null && _heldEnded is null) return;
            if (_next is { } ready)
            {
                _next = null;
                _pendingChange = StartLocked(ready, FramesFor(_options.SkipFadeMs), reason);
                return;
            }
            _transitionRequest?.Started.TrySetResult();
            var request = (FramesFor(_options.SkipFadeMs), reason, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            _transitionRequest = request;
            started = request.Item3.Task;
        }
        Signal(_wakeLoader);
        try
        {
            await started.WaitAsync(TimeSpan.FromMilliseconds(_options.MoodChangeWaitMs), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // still opening: the skip happens when it is ready, and TrackChanged says so
        }
    }

    /// <summary>Brings in the waiting deck when nothing is heard (the first track, or the next after one played out).</summary>
    private TrackChangedEventArgs? PromoteLocked()
    {
        if (_mixer.Current is not null || _next is not { } incoming) return null;
        _next = null;
        return StartLocked(incoming, 0, TrackEndReason.Ended);
    }

    /// <summary>Makes <paramref name="incoming"/> the deck heard, crossfading from the current one if there is one.</summary>
    private TrackChangedEventArgs StartLocked(TrackDeck incoming, int fadeFrames, TrackEndReason reason)
    {
        TrackInfo? previous = _mixer.Current?.Track;
        TrackEndReason? previousEnded = previous is null ? null : reason;
        if (_heldEnded is { } held)
        {
            // It played out while this one was opening: the hand-over is now.
            _heldEnded = null;
            Retire(held, null);
            (previous, previousEnded) = (held.Track, EndReasonOf(held, null));
        }
        _mixer.Play(incoming, fadeFrames, reason);
        Signal(_wakeLoader); // it may now open the one after
        _logger.LogInformation("Now playing {Track} ({Source})", incoming.Track, incoming.Track.Source);
        return new TrackChangedEventArgs(previous, incoming.Track, previousEnded);
    }

    /// <summary>Retires decks that left the mixer: faded out (history with the reason they were replaced) or played out (the next one takes over).</summary>
    private TrackChangedEventArgs? RetireEndedLocked(bool mayHold)
    {
        TrackChangedEventArgs? changed = null;
        foreach (var (deck, reason) in _ended)
        {
            if (reason is not null)
            {
                Retire(deck, reason);
                continue;
            }
            // The heard deck played out (or its decoder died).
            if (deck.Failure is not null)
                _logger.LogWarning("{Track} stopped mid-way: {Reason}; the next track takes over", deck.Track, deck.Failure.Message);
            if (_next is null && mayHold && _loading)
            {
                _heldEnded = deck; // the next track is opening: hand over directly rather than through silence
                continue;
            }
            _heldEnded = deck;
            changed = PromoteLocked();
            if (_heldEnded is not null)
            {
                _heldEnded = null;
                Retire(deck, null);
                changed = new TrackChangedEventArgs(deck.Track, null, EndReasonOf(deck, null));
            }
        }
        _ended.Clear();
        if (_heldEnded is { } held && (!mayHold || !_loading) && _next is null && _mixer.Current is null)
        {
            _heldEnded = null;
            Retire(held, null);
            changed = new TrackChangedEventArgs(held.Track, null, EndReasonOf(held, null));
        }
        return changed;
    }

    private void Retire(TrackDeck deck, TrackEndReason? reason)
    {
        AddHistory(deck, EndReasonOf(deck, reason), deck.Failure?.Message);
        _ = DisposeLaterAsync(deck);
        Signal(_wakeLoader);
    }

    private static TrackEndReason EndReasonOf(TrackDeck deck, TrackEndReason? replaced) =>
        replaced ?? (deck.Failure is null ? TrackEndReason.Ended : TrackEndReason.Failed);

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
                var current = _mixer.Current;
                needed = mood is not null && (_transitionRequest is not null
                    || (_next is null && (current is null || current.PumpFinished)));
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
                    if (_mixer.Current is not null || _heldEnded is not null)
                        _pendingChange = StartLocked(deck, request.Frames, request.Reason);
                    else if (_next is null)
                        _next = deck; // nothing to fade from: it simply starts
                    else
                        unused = deck;
                    request.Started.TrySetResult();
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
