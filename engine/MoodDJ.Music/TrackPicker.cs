using Microsoft.Extensions.Logging;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;

namespace MoodDJ.Music;

/// <summary>
/// Chooses and opens the next track: asks the sources in fallback order (a source that throws, times
/// out or finds nothing hands over to the next, with the reason logged), skips recently played
/// tracks while others fit, puts the listeners' liked tracks first and never picks a disliked one for
/// that mood, and moves past tracks that fail to open.
/// </summary>
internal sealed class TrackPicker(IReadOnlyList<IMusicSource> sources, AudioFormat format, MusicOptions options, TrackPreferences preferences, ILogger logger)
{
    public TrackPreferences Preferences => preferences;

    private readonly object _gate = new();
    private readonly List<(TrackInfo Track, IMusicSource Source)> _queue = [];
    private readonly LinkedList<string> _recent = new();
    private readonly HashSet<string> _unplayable = [];
    private readonly Dictionary<string, string> _lastFailure = []; // per source: said once, not every retry
    private readonly Dictionary<string, (TrackInfo Track, IMusicSource Source)> _offered = []; // what a catalog listed
    private Task _prefetch = Task.CompletedTask;
    private string? _prefetched;

    /// <summary>The upcoming candidates for the current mood.</summary>
    public IReadOnlyList<TrackInfo> Queue
    {
        get { lock (_gate) return _queue.Select(q => q.Track).ToList(); }
    }

    /// <summary>Forgets the candidates (a new mood was set).</summary>
    public void ClearQueue()
    {
        lock (_gate) _queue.Clear();
    }

    /// <summary>Opens the next fitting track, or returns null when no source can give one now.</summary>
    public async Task<TrackDeck?> OpenNextAsync(MoodReading mood, Action pumpFinished, CancellationToken cancellationToken)
    {
        // Two refills at most: the second runs after the first batch all failed to open (now marked unplayable).
        for (var refill = 0; refill < 2; refill++)
        {
            if (QueueIsEmpty() && !await RefillAsync(mood, cancellationToken).ConfigureAwait(false))
                return null;
            while (TryDequeue(out var next))
            {
                var (track, source) = next;
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(options.SourceTimeoutMs);
                try
                {
                    var stream = await source.OpenAsync(track, format, timeout.Token).ConfigureAwait(false);
                    Remember(track);
                    PrefetchNext(cancellationToken);
                    return new TrackDeck(track, source, stream, format.SamplesFor(TimeSpan.FromMilliseconds(options.BufferMs)), pumpFinished);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception e)
                {
                    var reason = e is OperationCanceledException ? $"did not open within {options.SourceTimeoutMs} ms" : e.Message;
                    logger.LogWarning("Cannot play {Track} from {Source}: {Reason}; trying the next track", track, track.Source, reason);
                    lock (_gate)
                    {
                        if (_unplayable.Count > 10000) _unplayable.Clear();
                        _unplayable.Add(Key(track));
                    }
                }
            }
        }
        return null;
    }

    /// <summary>
    /// What the sources offer for <paramref name="mood"/> (up to <paramref name="count"/> from each that
    /// answers in time), remembered so that <see cref="PlayFirst"/> can find a listed track again.
    /// </summary>
    public async Task<IReadOnlyList<TrackInfo>> CatalogAsync(MoodReading mood, int count, CancellationToken cancellationToken)
    {
        mood = ForPicking(mood);
        var listed = new List<TrackInfo>();
        foreach (var source in sources)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.SourceTimeoutMs);
            var from = listed.Count;
            try
            {
                await foreach (var track in source.FindTracksAsync(mood, count, timeout.Token).ConfigureAwait(false))
                {
                    listed.Add(track);
                    if (listed.Count - from >= count) break;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { throw; }
            catch (Exception e)
            {
                logger.LogDebug("Music source {Source} listed nothing for the catalog: {Reason}", NameOf(source), e.Message);
            }
            lock (_gate)
            {
                if (_offered.Count > 10_000) _offered.Clear();   // a bound: a client paging the catalog forever
                foreach (var track in listed.Skip(from)) _offered[Key(track)] = (track, source);
            }
        }
        return listed;
    }

    /// <summary>
    /// Puts a track a catalog listed (or one already queued) first in the queue, so the next open plays
    /// it. Throws <see cref="KeyNotFoundException"/> naming it when this picker has not seen it.
    /// </summary>
    public TrackInfo PlayFirst(string source, string id)
    {
        var key = source + "\n" + id;
        lock (_gate)
        {
            var queued = _queue.FindIndex(q => Key(q.Track) == key);
            (TrackInfo Track, IMusicSource Source) entry;
            if (queued >= 0)
            {
                entry = _queue[queued];
                _queue.RemoveAt(queued);
            }
            else if (!_offered.TryGetValue(key, out entry))
                throw new KeyNotFoundException($"No track '{id}' from '{source}' is known here: pick one from the catalog (catalog) or the queue (list).");
            _unplayable.Remove(key);
            _queue.Insert(0, entry);
            return entry.Track;
        }
    }

    /// <summary>
    /// An unsure reading (<see cref="MoodReading.IsLowConfidence"/>) is picked for by its valence and
    /// arousal: its label may be a guess ("great, another Monday" read happy), its point is not.
    /// </summary>
    internal MoodReading ForPicking(MoodReading mood)
    {
        if (!mood.IsLowConfidence) return mood;
        var byPoint = mood.ByValenceArousal();
        if (byPoint.Label != mood.Label && Changed("(low confidence)", $"{mood.Label}->{byPoint.Label}"))
            logger.LogInformation("Mood reading {Mood} has low confidence ({Confidence:0.00}): picking music by valence {Valence:0.00} and arousal {Arousal:0.00}, as {Picked}",
                mood.Label, mood.Confidence, mood.Valence, mood.Arousal, byPoint.Label);
        return byPoint;
    }

    private async Task<bool> RefillAsync(MoodReading mood, CancellationToken cancellationToken)
    {
        mood = ForPicking(mood);
        foreach (var source in sources)
        {
            var name = NameOf(source);
            var found = new List<TrackInfo>();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.SourceTimeoutMs);
            try
            {
                await foreach (var track in source.FindTracksAsync(mood, options.SearchResults, timeout.Token).ConfigureAwait(false))
                {
                    found.Add(track);
                    if (found.Count >= options.SearchResults) break;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                var reason = e is OperationCanceledException ? $"no answer within {options.SourceTimeoutMs} ms" : e.Message;
                if (Changed(name, reason))
                    logger.LogWarning("Music source {Source}: {Reason}; falling back to the next source", name, reason);
                else
                    logger.LogDebug("Music source {Source} still fails: {Reason}", name, reason);
                continue;
            }

            List<TrackInfo> playable;
            lock (_gate) playable = found.Where(t => !_unplayable.Contains(Key(t)) && !preferences.IsDisliked(mood.Label, t)).ToList();
            if (playable.Count == 0)
            {
                if (Changed(name, $"nothing playable for {mood.Label}"))
                    logger.LogInformation("Music source {Source} found nothing playable for {Mood}; falling back to the next source", name, mood.Label);
                continue;
            }
            Changed(name, null);
            lock (_gate)
            {
                // Recently played tracks go last, least recently played first among them, so a small
                // library still plays on but never repeats while something else fits.
                // Liked tracks for this mood come first.
                var ordered = playable.Where(t => !_recent.Contains(Key(t))).OrderBy(t => preferences.IsLiked(mood.Label, t) ? 0 : 1)
                    .Concat(_recent.Select(k => playable.FirstOrDefault(t => Key(t) == k)).OfType<TrackInfo>());
                _queue.Clear();
                _queue.AddRange(ordered.Select(t => (t, source)));
            }
            return true;
        }
        if (Changed("", $"none for {mood.Label}"))
            logger.LogWarning("No music source has a track for {Mood} right now; trying again every {Delay} ms", mood.Label, options.RetryDelayMs);
        return false;
    }

    /// <summary>Records the last failure of a source ("" = all of them); true when it differs from the one before (worth a warning).</summary>
    private bool Changed(string source, string? failure)
    {
        lock (_gate)
        {
            if (failure is null)
            {
                _lastFailure.Remove(source);
                _lastFailure.Remove("");
                return false;
            }
            if (_lastFailure.TryGetValue(source, out var last) && last == failure) return false;
            _lastFailure[source] = failure;
            return true;
        }
    }

    /// <summary>
    /// Lets the next queued track's source get it ready while this one plays (one prefetch at a time): the
    /// next open then need not wait for a download, which would otherwise leave a gap at the track change.
    /// </summary>
    private void PrefetchNext(CancellationToken cancellationToken)
    {
        (TrackInfo Track, IMusicSource Source) head;
        lock (_gate)
        {
            if (_queue.Count == 0 || !_prefetch.IsCompleted) return;
            head = _queue[0];
            if (head.Source is not IPrefetchingMusicSource || Key(head.Track) == _prefetched) return;
            _prefetched = Key(head.Track);
            _prefetch = PrefetchAsync((IPrefetchingMusicSource)head.Source, head.Track, cancellationToken);
        }
    }

    private async Task PrefetchAsync(IPrefetchingMusicSource source, TrackInfo track, CancellationToken cancellationToken)
    {
        await Task.Yield(); // never on the opening caller's time
        try
        {
            await source.PrefetchAsync(track, cancellationToken).ConfigureAwait(false);
            logger.LogDebug("Prefetched {Track} from {Source}", track, track.Source);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
        catch (Exception e)
        {
            logger.LogInformation("Prefetching {Track} failed ({Reason}); it is fetched when it plays", track, e.Message);
        }
    }

    private bool QueueIsEmpty()
    {
        lock (_gate) return _queue.Count == 0;
    }

    private bool TryDequeue(out (TrackInfo Track, IMusicSource Source) next)
    {
        lock (_gate)
        {
            if (_queue.Count == 0)
            {
                next = default;
                return false;
            }
            next = _queue[0];
            _queue.RemoveAt(0);
            return true;
        }
    }

    private void Remember(TrackInfo track)
    {
        if (options.RecentTracks == 0) return;
        lock (_gate)
        {
            var key = Key(track);
            _recent.Remove(key);
            _recent.AddLast(key); // oldest first
            while (_recent.Count > options.RecentTracks) _recent.RemoveFirst();
            _queue.RemoveAll(q => Key(q.Track) == key);
        }
    }

    private static string Key(TrackInfo track) => track.Source + "\n" + track.Id;

    private static string NameOf(IMusicSource source) => source.GetType().Name;
}
