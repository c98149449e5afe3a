using System.Diagnostics;
using Microsoft.Extensions.Logging;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;
using MoodDJ.Music;
using MoodDJ.Plugins.LocalLibrary;
using MoodDJ.Plugins.YouTube;

namespace MoodDJ.Sources.Tests;

/// <summary>A source that cannot play says why within 2 s, the director falls back at once, and the warning is not repeated.</summary>
public class FailFastTests
{
    private static readonly MoodReading Sad = DirectorTests.Sad;

    [Fact(Timeout = 30000)]
    public async Task An_empty_music_folder_fails_in_under_2_s_with_its_cause()
    {
        using var empty = new TempFolder();
        var source = new LocalMusicSource(new LocalLibraryOptions { Folder = empty.Path });
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<MusicSourceException>(async () =>
        {
            await foreach (var _ in source.FindTracksAsync(Sad, 5)) { }
        });
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.Contains($"0 audio files in {empty.Path}", e.Message);
    }

    [Fact(Timeout = 30000)]
    public async Task The_director_falls_back_from_an_empty_folder_at_once_and_warns_only_once()
    {
        using var empty = new TempFolder();
        using var music = new TempFolder();
        var emptySource = new LocalMusicSource(new LocalLibraryOptions { Folder = empty.Path });
        var local = await DirectorTests.Library(music, 5, ("a.wav", 440, "sad"));
        var log = new ListLogger();
        await using (var director = new MusicDirector([emptySource, local], DirectorTests.Format, DirectorTests.Options(), log))
        {
            var clock = Stopwatch.StartNew();
            await director.SetMoodAsync(Sad);
            await DirectorTests.Read(director, 0.05); // waits (up to maxReadWaitMs) for the first track
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the fallback took {clock.Elapsed.TotalMilliseconds:0} ms");
            Assert.Equal("a.wav", director.NowPlaying!.Id);
        }
        Assert.Single(log.Warnings, w => w.Contains("0 audio files in"));

        // With nothing else to fall back on, the director retries, but says it once.
        var alone = new ListLogger();
        await using (var director = new MusicDirector([emptySource], DirectorTests.Format, DirectorTests.Options(o => o.RetryDelayMs = 50), alone))
        {
            await director.SetMoodAsync(Sad);
            await Task.Delay(1000);
        }
        Assert.Single(alone.Warnings, w => w.Contains("0 audio files in"));
        Assert.Single(alone.Warnings, w => w.Contains("No music source has a track"));
    }

    [Fact(Timeout = 30000)]
    public async Task A_youtube_search_that_cannot_reach_the_network_says_so_within_2_s()
    {
        // A proxy nobody listens on (refused at once); a network that does not answer at all hits the
        // same check's reachTimeoutMs (1.5 s) instead.
        var options = new YouTubeOptions { Proxy = "http://127.0.0.1:1" };
        var source = new YouTubeMusicSource(options);
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<MusicSourceException>(async () =>
        {
            await foreach (var _ in source.FindTracksAsync(Sad, 3)) { }
        });
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.Contains("yt-dlp cannot reach the network", e.Message);
    }

    private sealed class ListLogger : ILogger<MusicDirector>
    {
        private readonly List<string> _warnings = [];

        public IReadOnlyList<string> Warnings
        {
            get { lock (_warnings) return [.. _warnings]; }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning) lock (_warnings) _warnings.Add(formatter(state, exception));
        }
    }
}
