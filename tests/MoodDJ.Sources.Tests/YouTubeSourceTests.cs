using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;
using MoodDJ.Music;
using MoodDJ.Plugins.YouTube;

namespace MoodDJ.Sources.Tests;

/// <summary>An mp3 made once for the class.</summary>
public sealed class SongFixture : IDisposable
{
    private readonly TempFolder _folder = new();

    public SongFixture() => Mp3 = File.ReadAllBytes(TestAudio.Sine(_folder.File("song.mp3"), 440, 4, 0.5, "-c:a", "libmp3lame", "-b:a", "128k"));

    public byte[] Mp3 { get; }

    public void Dispose() => _folder.Dispose();
}

/// <summary>The youtube source with the real yt-dlp and ffmpeg, offline: yt-dlp's generic extractor on a 127.0.0.1 URL.</summary>
public class YouTubeSourceTests(SongFixture song) : IClassFixture<SongFixture>
{
    private static readonly AudioFormat Format = new(44100, 1);

    private (LocalHttpServer Server, TempFolder Folder) ServeSong()
    {
        var folder = new TempFolder();
        var server = new LocalHttpServer();
        server.Serve("/music/song.mp3", song.Mp3, "audio/mpeg");
        server.Serve("/page.html", "<!doctype html><html><head><title>Not music</title></head><body><p>Hello</p></body></html>"u8.ToArray(), "text/html");
        return (server, folder);
    }

    [Fact(Timeout = 60000)]
    public async Task A_direct_url_is_fetched_by_yt_dlp_and_decoded_by_ffmpeg()
    {
        var (server, folder) = ServeSong();
        using var _ = server;
        using var __ = folder;
        var source = new YouTubeMusicSource(new YouTubeOptions());
        await using var pcm = await source.OpenAsync(YouTubeMusicSource.TrackFromUrl(server.Url("/music/song.mp3")), Format);
        var samples = await TestAudio.ReadAsync(pcm, 44100 * 6);
        Assert.InRange(samples.Length / 44100.0, 3.9, 4.1);
        var middle = samples.AsSpan(44100, 44100);
        Assert.True(TestAudio.Power(middle, 440, 44100) > 100 * TestAudio.Power(middle, 880, 44100));
        Assert.InRange(TestAudio.Rms(middle), 0.3, 0.42);
    }

    [Fact(Timeout = 60000)]
    public async Task A_url_configured_for_a_mood_is_found_with_its_metadata_and_plays_through_the_director()
    {
        var (server, folder) = ServeSong();
        using var _ = server;
        using var __ = folder;
        var options = new YouTubeOptions();
        options.QueryTemplates["calm"] = server.Url("/music/song.mp3");
        var source = new YouTubeMusicSource(options);
        var calm = new MoodReading(MoodLabel.Calm, 0.4, -0.6, 1);
        Assert.Equal(server.Url("/music/song.mp3"), source.QueryFor(calm, 5));

        var found = new List<TrackInfo>();
        await foreach (var t in source.FindTracksAsync(calm, 5)) found.Add(t);
        var track = Assert.Single(found);
        Assert.Equal("youtube", track.Source);
        Assert.Equal("song", track.Title);
        Assert.Equal(0.4, track.Valence);

        await using var director = new MusicDirector([source], new AudioFormat(22050, 1), new MusicOptions { MaxReadWaitMs = 20000 });
        await director.SetMoodAsync(calm);
        var block = new float[22050];
        await director.ReadAsync(block);
        await director.ReadAsync(block);
        Assert.Equal(track.Id, director.NowPlaying!.Id);
        Assert.True(TestAudio.Rms(block) > 0.3);
    }

    [Fact(Timeout = 60000)]
    public async Task Seeking_a_url_track_restarts_the_pipe_at_the_new_position()
    {
        using var folder = new TempFolder();
        var flac = TestAudio.Staircase(folder.File("stairs.flac"), 8);
        using var server = new LocalHttpServer();
        server.Serve("/stairs.flac", File.ReadAllBytes(flac), "audio/flac");
        var source = new YouTubeMusicSource(new YouTubeOptions());
        await using var pcm = await source.OpenAsync(YouTubeMusicSource.TrackFromUrl(server.Url("/stairs.flac")), Format);
        await pcm.SeekAsync(TimeSpan.FromSeconds(5));
        var block = await TestAudio.ReadAsync(pcm, 8820);
        Assert.Equal(5, TestAudio.StaircaseStep(block.AsSpan(2205, 4410), 44100));
    }

    [Fact(Timeout = 60000)]
    public async Task With_a_cache_folder_a_track_is_downloaded_once_whole_and_then_plays_from_the_file()
    {
        var (server, folder) = ServeSong();
        using var __ = folder;
        var url = server.Url("/music/song.mp3");
        var source = new YouTubeMusicSource(new YouTubeOptions { CacheFolder = folder.Path });
        await using (var pcm = await source.OpenAsync(YouTubeMusicSource.TrackFromUrl(url), Format))
        {
            var samples = await TestAudio.ReadAsync(pcm, 44100 * 6);
            Assert.InRange(samples.Length / 44100.0, 3.9, 4.1);
        }
        // One complete file under its final name (yt-dlp wrote .part and renamed it): what the station seeds.
        var cached = Assert.Single(Directory.GetFiles(folder.Path));
        Assert.Equal("yt-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(url)))[..16] + ".mp3", Path.GetFileName(cached));
        Assert.Equal(song.Mp3, await File.ReadAllBytesAsync(cached));

        // The second play reads the file: the server is gone and it still plays.
        server.Dispose();
        await using var again = await source.OpenAsync(YouTubeMusicSource.TrackFromUrl(url), Format);
        var middle = (await TestAudio.ReadAsync(again, 44100 * 6)).AsSpan(44100, 44100);
        Assert.True(TestAudio.Power(middle, 440, 44100) > 100 * TestAudio.Power(middle, 880, 44100));
    }
}

/// <summary>The youtube source's failures, with the real tools: each gives a clear error.</summary>
public class YouTubeErrorTests(SongFixture song) : IClassFixture<SongFixture>
{
    private static readonly AudioFormat Format = new(44100, 1);

    private (LocalHttpServer Server, TempFolder Folder) ServeSong()
    {
        var folder = new TempFolder();
        var server = new LocalHttpServer();
        server.Serve("/music/song.mp3", song.Mp3, "audio/mpeg");
        server.Serve("/page.html", "<!doctype html><html><head><title>Not music</title></head><body><p>Hello</p></body></html>"u8.ToArray(), "text/html");
        return (server, folder);
    }

    [Fact(Timeout = 60000)]
    public async Task A_url_that_404s_gives_a_clear_error()
    {
        var (server, folder) = ServeSong();
        using var _ = server;
        using var __ = folder;
        var e = await Assert.ThrowsAsync<MusicSourceException>(() =>
            new YouTubeMusicSource(new YouTubeOptions()).OpenAsync(YouTubeMusicSource.TrackFromUrl(server.Url("/music/missing.mp3")), Format).AsTask());
        Assert.Contains("ERROR:", e.Message);
        Assert.Contains("404", e.Message);
        Assert.Contains("yt-dlp", e.Message);
    }

    [Fact(Timeout = 60000)]
    public async Task A_url_serving_an_html_page_gives_a_clear_error()
    {
        var (server, folder) = ServeSong();
        using var _ = server;
        using var __ = folder;
        var e = await Assert.ThrowsAsync<MusicSourceException>(() =>
            new YouTubeMusicSource(new YouTubeOptions()).OpenAsync(YouTubeMusicSource.TrackFromUrl(server.Url("/page.html")), Format).AsTask());
        Assert.Contains("Unsupported URL", e.Message);
    }

    [Fact(Timeout = 60000)]
    public async Task An_unreachable_server_is_reported_as_a_network_problem()
    {
        var options = new YouTubeOptions { SocketTimeoutSeconds = 5 };
        options.QueryTemplates["sad"] = "http://127.0.0.1:1/nothing-listens-here.mp3";
        var source = new YouTubeMusicSource(options);
        var e = await Assert.ThrowsAsync<MusicSourceException>(async () =>
        {
            await foreach (var _ in source.FindTracksAsync(new MoodReading(MoodLabel.Sad, -0.7, -0.4, 1), 3)) { }
        });
        Assert.Contains("Connection refused", e.Message);
        Assert.Contains("network", e.Message);
    }

    [Fact(Timeout = 60000)]
    public async Task A_search_with_the_network_down_fails_clearly_and_the_director_falls_back_to_the_next_source()
    {
        // A proxy nobody listens on makes the real ytsearch fail exactly as a dead network does.
        var youtube = new YouTubeMusicSource(new YouTubeOptions { Proxy = "http://127.0.0.1:1", SocketTimeoutSeconds = 5 });
        var sad = new MoodReading(MoodLabel.Sad, -0.7, -0.4, 1);
        var e = await Assert.ThrowsAsync<MusicSourceException>(async () =>
        {
            await foreach (var _ in youtube.FindTracksAsync(sad, 3)) { }
        });
        Assert.Contains("ytsearch3:sad emotional piano music", e.Message);
        Assert.Contains("Connection refused", e.Message);
        Assert.Contains("is the network down?", e.Message);

        using var folder = new TempFolder();
        var local = await DirectorTests.Library(folder, 5, ("a.wav", 440, "sad"));
        await using var director = new MusicDirector([youtube, local], new AudioFormat(22050, 1), new MusicOptions { MaxReadWaitMs = 20000 });
        await director.SetMoodAsync(sad);
        var block = new float[4410];
        await director.ReadAsync(block);
        Assert.Equal("local", director.NowPlaying!.Source);
    }

    [Fact(Timeout = 60000)]
    public async Task Missing_yt_dlp_or_ffmpeg_is_named_with_how_to_install_it()
    {
        var track = YouTubeMusicSource.TrackFromUrl("http://127.0.0.1:1/x.mp3");
        var noYtDlp = new YouTubeMusicSource(new YouTubeOptions { YtDlpPath = "/nonexistent/yt-dlp" });
        var e = await Assert.ThrowsAsync<MusicSourceException>(() => noYtDlp.OpenAsync(track, Format).AsTask());
        Assert.Contains("apt-get install yt-dlp", e.Message);
        var noFfmpeg = new YouTubeMusicSource(new YouTubeOptions { FfmpegPath = "/nonexistent/ffmpeg" });
        e = await Assert.ThrowsAsync<MusicSourceException>(() => noFfmpeg.OpenAsync(track, Format).AsTask());
        Assert.Contains("apt-get install ffmpeg", e.Message);
        e = await Assert.ThrowsAsync<MusicSourceException>(async () =>
        {
            await foreach (var _ in noYtDlp.FindTracksAsync(MoodReading.Neutral, 3)) { }
        });
        Assert.Contains("apt-get install yt-dlp", e.Message);
    }

    [Fact]
    public void The_search_is_built_from_the_mood_and_capped_by_the_settings()
    {
        var source = new YouTubeMusicSource(new YouTubeOptions { MaxResults = 4 });
        Assert.Equal("ytsearch3:sad emotional piano music", source.QueryFor(new MoodReading(MoodLabel.Sad, -0.7, -0.4, 1), 3));
        Assert.Equal("ytsearch4:calm relaxing instrumental music", source.QueryFor(new MoodReading(MoodLabel.Calm, 0.4, -0.6, 1), 10));
        Assert.ThrowsAny<ArgumentException>(() => new YouTubeOptions { QueryTemplates = { ["grumpy"] = "x" } }.Validate());
    }
}
