using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;
using MoodDJ.Music;
using MoodDJ.Plugins.YouTube;
using MoodDJ.Testing;

namespace MoodDJ.Sources.Tests;

/// <summary>Next-track prefetch: the director asks a source to get the next queued track ready while the current one plays.</summary>
public class PrefetchTests(SongFixture song) : IClassFixture<SongFixture>
{
    [Fact(Timeout = 30000)]
    public async Task Each_open_prefetches_the_next_queued_track_before_it_is_opened()
    {
        var source = new RecordingSource();
        await using var director = new MusicDirector([source], DirectorTests.Format, DirectorTests.Options());
        await director.SetMoodAsync(DirectorTests.Happy);
        await DirectorTests.Read(director, 0.2);
        await DirectorTests.WaitUntil(() => source.Log.Contains("prefetch Happy-1"));
        await director.SkipAsync();
        await DirectorTests.WaitUntil(() => source.Log.Contains("prefetch Happy-2"));

        var log = source.Log.ToList();
        Assert.Equal("open Happy-0", log[0]);
        Assert.True(log.IndexOf("prefetch Happy-1") < log.IndexOf("open Happy-1"), string.Join(", ", log));
        Assert.Single(log, e => e == "prefetch Happy-1"); // once, however often the loader looks
    }

    [Fact(Timeout = 60000)]
    public async Task The_youtube_source_prefetches_into_its_cache_so_the_later_play_needs_no_network()
    {
        using var folder = new TempFolder();
        var server = new LocalHttpServer();
        server.Serve("/music/song.mp3", song.Mp3, "audio/mpeg");
        var track = YouTubeMusicSource.TrackFromUrl(server.Url("/music/song.mp3"));

        // Without a cache there is nothing to prefetch (and nothing is fetched).
        await new YouTubeMusicSource(new YouTubeOptions()).PrefetchAsync(track);
        Assert.Equal(0, server.Requests);

        var source = new YouTubeMusicSource(new YouTubeOptions { CacheFolder = folder.Path });
        await source.PrefetchAsync(track);
        Assert.Equal(song.Mp3, await File.ReadAllBytesAsync(Assert.Single(Directory.GetFiles(folder.Path))));
        server.Dispose();
        await using var pcm = await source.OpenAsync(track, new AudioFormat(44100, 1));
        var samples = await TestAudio.ReadAsync(pcm, 44100 * 6);
        Assert.InRange(samples.Length / 44100.0, 3.9, 4.1);
    }

    [Fact(Timeout = 60000)]
    public async Task Past_its_limit_the_cache_deletes_the_tracks_used_longest_ago_with_their_torrents()
    {
        using var folder = new TempFolder();
        using var server = new LocalHttpServer();
        server.Serve("/music/song.mp3", song.Mp3, "audio/mpeg");
        // Two tracks cached earlier, 600 KB each (1.2 MB: over a 1 MiB limit once one more arrives); the older has a torrent.
        var oldest = folder.File("yt-00000000000000aa.webm");
        var older = folder.File("yt-00000000000000bb.webm");
        File.WriteAllBytes(oldest, new byte[600_000]);
        File.WriteAllBytes(oldest + ".torrent", [1]);
        File.WriteAllBytes(older, new byte[600_000]);
        File.SetLastWriteTimeUtc(oldest, DateTime.UtcNow.AddHours(-2));
        File.SetLastWriteTimeUtc(older, DateTime.UtcNow.AddHours(-1));

        var source = new YouTubeMusicSource(new YouTubeOptions { CacheFolder = folder.Path, CacheMaxMegabytes = 1 });
        await source.PrefetchAsync(YouTubeMusicSource.TrackFromUrl(server.Url("/music/song.mp3")));
        Assert.False(File.Exists(oldest));
        Assert.False(File.Exists(oldest + ".torrent"));
        Assert.True(File.Exists(older), string.Join(", ", Directory.GetFiles(folder.Path).Select(f => $"{Path.GetFileName(f)} {new FileInfo(f).Length} {File.GetLastWriteTimeUtc(f):HH:mm:ss}")));
        Assert.Equal(2, Directory.GetFiles(folder.Path).Length);
    }

    /// <summary>The tone source, noting every prefetch and open in order.</summary>
    private sealed class RecordingSource : IPrefetchingMusicSource
    {
        private readonly MoodToneSource _tones = new();
        private readonly List<string> _log = [];

        public IReadOnlyList<string> Log
        {
            get { lock (_log) return [.. _log]; }
        }

        public IAsyncEnumerable<TrackInfo> FindTracksAsync(MoodReading mood, int maxResults, CancellationToken cancellationToken = default) =>
            _tones.FindTracksAsync(mood, maxResults, cancellationToken);

        public ValueTask<IPcmStream> OpenAsync(TrackInfo track, AudioFormat format, CancellationToken cancellationToken = default)
        {
            lock (_log) _log.Add("open " + track.Id);
            return _tones.OpenAsync(track, format, cancellationToken);
        }

        public ValueTask PrefetchAsync(TrackInfo track, CancellationToken cancellationToken = default)
        {
            lock (_log) _log.Add("prefetch " + track.Id);
            return ValueTask.CompletedTask;
        }
    }
}
