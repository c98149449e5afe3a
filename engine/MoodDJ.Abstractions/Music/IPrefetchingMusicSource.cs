namespace MoodDJ.Abstractions.Music;

/// <summary>
/// Optional for a music source: gets a track ready before it is opened, so opening it later is quick
/// (the youtube source downloads it into its cache, where the station also seeds it to the swarm). The
/// director calls it for the next queued track each time it opens one. Failures are the source's to
/// log; the later open reports them as usual.
/// </summary>
public interface IPrefetchingMusicSource : IMusicSource
{
    ValueTask PrefetchAsync(TrackInfo track, CancellationToken cancellationToken = default);
}
