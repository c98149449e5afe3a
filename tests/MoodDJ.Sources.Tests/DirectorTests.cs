using System.Diagnostics;
using System.Runtime.CompilerServices;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;
using MoodDJ.Music;
using MoodDJ.Plugins.LocalLibrary;
using Microsoft.Extensions.Configuration;

namespace MoodDJ.Sources.Tests;

public class DirectorTests
{
    internal static readonly AudioFormat Format = new(22050, 1);
    internal static readonly MoodReading Sad = new(MoodLabel.Sad, -0.7, -0.4, 1);
    internal static readonly MoodReading Happy = new(MoodLabel.Happy, 0.8, 0.5, 1);

    /// <summary>A local library of sines: each file's frequency identifies it in the output.</summary>
    internal static async Task<LocalMusicSource> Library(TempFolder folder, double seconds, params (string Name, double Hz, string Mood)[] tracks)
    {
        foreach (var (name, hz, _) in tracks) TestAudio.Sine(folder.File(name), hz, seconds);
        File.WriteAllText(folder.File("mooddj-moods.json"), "{" + string.Join(",", tracks.Select(t => $"\"{t.Name}\": {{ \"mood\": \"{t.Mood}\" }}")) + "}");
        var source = new LocalMusicSource(new LocalLibraryOptions { Folder = folder.Path, ExcerptSeconds = 3 });
        await source.IndexAsync();
        return source;
    }

    internal static MusicOptions Options(Action<MusicOptions>? change = null)
    {
        var options = new MusicOptions { MaxReadWaitMs = 15000, BufferMs = 1000, RetryDelayMs = 200, PreferencesFile = "none" };
        change?.Invoke(options);
        return options;
    }

    internal static async Task<float[]> Read(MusicDirector director, double seconds, int block = 220)
    {
        var output = new float[Format.SamplesFor(TimeSpan.FromSeconds(seconds))];
        for (var i = 0; i < output.Length; i += block)
            await director.ReadAsync(output.AsMemory(i, Math.Min(block, output.Length - i)));
        return output;
    }

    internal static async Task WaitUntil(Func<bool> condition, int seconds = 20)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < TimeSpan.FromSeconds(seconds)) await Task.Delay(20);
        Assert.True(condition(), "condition not reached in time");
    }

    internal static double Dominant(ReadOnlySpan<float> block, params double[] candidates)
    {
        var best = candidates[0];
        foreach (var hz in candidates)
            if (TestAudio.Power(block, hz, Format.SampleRate) > TestAudio.Power(block, best, Format.SampleRate)) best = hz;
        return best;
    }

    [Fact(Timeout = 30000)]
    public async Task With_no_mood_the_program_is_silence_and_reads_return_at_once()
    {
        using var folder = new TempFolder();
        var source = await Library(folder, 2, ("a.wav", 440, "sad"));
        await using var director = new MusicDirector([source], Format, Options());
        var clock = Stopwatch.StartNew();
        var block = new float[2205];
        Assert.Equal(2205, await director.ReadAsync(block));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2));
        Assert.All(block, s => Assert.Equal(0f, s));
        Assert.Null(director.NowPlaying);
    }

    [Fact(Timeout = 60000)]
    public async Task A_mood_starts_the_closest_track_and_the_program_plays_on_without_repeats()
    {
        using var folder = new TempFolder();
        var source = await Library(folder, 1, ("sad1.wav", 300, "sad"), ("sad2.wav", 500, "sad"), ("sad3.wav", 700, "sad"), ("happy.wav", 900, "happy"));
        var changes = new List<TrackChangedEventArgs>();
        await using var director = new MusicDirector([source], Format, Options());
        director.TrackChanged += (_, e) => changes.Add(e);
        await director.SetMoodAsync(Sad);

        var first = await Read(director, 0.5);
        Assert.StartsWith("sad", director.NowPlaying!.Id);
        Assert.True(TestAudio.Rms(first.AsSpan(2205)) > 0.3);

        await Read(director, 3.2); // through the rest of the three sad tracks
        var played = director.History.Select(h => h.Track.Id).ToList();
        Assert.True(played.Count >= 3, string.Join(",", played));
        Assert.Equal(3, played.Take(3).Distinct().Count());
        Assert.All(played.Take(3), id => Assert.StartsWith("sad", id));
        Assert.All(director.History.Take(3), h => Assert.Equal(TrackEndReason.Ended, h.Reason));
        Assert.Contains(changes, c => c.PreviousEnded == TrackEndReason.Ended && c.Current is not null);
    }

    [Fact(Timeout = 60000)]
    public async Task Skip_moves_to_another_track_at_once_and_is_recorded()
    {
        using var folder = new TempFolder();
        var source = await Library(folder, 20, ("a.wav", 400, "sad"), ("b.wav", 800, "sad"));
        await using var director = new MusicDirector([source], Format, Options());
        await director.SetMoodAsync(Sad);
        await Read(director, 0.3);
        var before = director.NowPlaying!;
        await director.SkipAsync();
        Assert.NotEqual(before.Id, director.NowPlaying!.Id); // named as soon as the skip returns
        await WaitUntil(() => director.IsCrossfading);
        var after = await Read(director, 0.3);
        Assert.NotEqual(before.Id, director.NowPlaying!.Id);
        var hz = before.Id == "a.wav" ? 800 : 400;
        Assert.Equal(hz, Dominant(after.AsSpan(2205, 2205), 400, 800));
        var skipped = Assert.Single(director.History);
        Assert.Equal(TrackEndReason.Skipped, skipped.Reason);
        Assert.Equal(before.Id, skipped.Track.Id);
    }

    [Fact(Timeout = 60000)]
    public async Task Seek_moves_within_the_playing_track()
    {
        using var folder = new TempFolder();
        TestAudio.Staircase(folder.File("stairs.flac"), 15);
        var source = new LocalMusicSource(new LocalLibraryOptions { Folder = folder.Path, ExcerptSeconds = 3 });
        await using var director = new MusicDirector([source], Format, Options());
        await director.SetMoodAsync(MoodReading.Neutral);
        await Read(director, 0.5);
        await director.SeekAsync(TimeSpan.FromSeconds(10));
        var after = await Read(director, 0.3);
        Assert.Equal(10, TestAudio.StaircaseStep(after.AsSpan(1102, 2205), Format.SampleRate));
        Assert.InRange(director.Position.TotalSeconds, 10.25, 10.35);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => director.SeekAsync(TimeSpan.FromSeconds(99)).AsTask());
    }

    [Fact(Timeout = 60000)]
    public async Task A_mood_change_in_next_track_mode_waits_for_the_track_to_end()
    {
        using var folder = new TempFolder();
        var source = await Library(folder, 1.5, ("sad.wav", 400, "sad"), ("happy.wav", 800, "happy"), ("sad2.wav", 600, "sad"));
        await using var director = new MusicDirector([source], Format, Options(o => o.MoodChange = MusicOptions.NextTrack));
        await director.SetMoodAsync(Sad);
        await Read(director, 0.3);
        var first = director.NowPlaying!.Id;
        await director.SetMoodAsync(Happy);
        await Read(director, 0.5);
        Assert.Equal(first, director.NowPlaying!.Id); // still the sad track
        await Read(director, 1.2);
        Assert.Equal("happy.wav", director.NowPlaying!.Id);
        Assert.Equal(TrackEndReason.Ended, director.History[0].Reason);
    }

    [Fact(Timeout = 60000)]
    public async Task The_mood_crossfade_has_no_click()
    {
        using var folder = new TempFolder();
        var source = await Library(folder, 20, ("sad.wav", 440, "sad"), ("happy.wav", 660, "happy"));
        await using var director = new MusicDirector([source], Format, Options(o => { o.MoodChange = "crossfade"; o.CrossfadeMs = 300; }));
        await director.SetMoodAsync(Sad);
        var before = await Read(director, 0.5);
        Assert.Equal("sad.wav", director.NowPlaying!.Id);
        await director.SetMoodAsync(Happy);
        await WaitUntil(() => director.IsCrossfading);
        var across = await Read(director, 0.6);
        Assert.Equal("happy.wav", director.NowPlaying!.Id);
        Assert.Equal(TrackEndReason.MoodChanged, director.History.Single().Reason);

        var program = before.Concat(across).ToArray();
        static double MaxStep(ReadOnlySpan<float> x)
        {
            double max = 0;
            for (var i = 1; i < x.Length; i++) max = Math.Max(max, Math.Abs(x[i] - x[i - 1]));
            return max;
        }
        var withinTracks = Math.Max(MaxStep(before.AsSpan(2205)), MaxStep(across.AsSpan(across.Length - 4410)));
        var acrossFade = MaxStep(program);
        // An equal-power fade of two sines can step at most √2 × the larger sine's own step; a cut would jump up to 1.0.
        Assert.True(acrossFade <= 1.5 * withinTracks, $"max step {acrossFade:0.000} across the fade vs {withinTracks:0.000} within tracks");
        // And it really was a fade: both tones are present mid-way, the new one alone at the end.
        var mid = program.AsSpan(before.Length + Format.SampleRate * 150 / 1000 - 1102, 2205);
        Assert.True(TestAudio.Power(mid, 440, Format.SampleRate) > 0.05 * TestAudio.Power(mid, 660, Format.SampleRate));
        Assert.Equal(660, Dominant(program.AsSpan(program.Length - 2205), 440, 660));
    }

}

/// <summary>The director's fallback and settings (apart from playback, so the two run in parallel).</summary>
public class DirectorFallbackTests
{
    private static AudioFormat Format => DirectorTests.Format;
    private static MoodReading Sad => DirectorTests.Sad;
    private static Task<LocalMusicSource> Library(TempFolder folder, double seconds, params (string Name, double Hz, string Mood)[] tracks) => DirectorTests.Library(folder, seconds, tracks);
    private static MusicOptions Options(Action<MusicOptions>? change = null) => DirectorTests.Options(change);
    private static Task<float[]> Read(MusicDirector director, double seconds) => DirectorTests.Read(director, seconds);

    [Fact(Timeout = 60000)]
    public async Task When_the_first_source_throws_the_next_one_plays()
    {
        using var folder = new TempFolder();
        var local = await Library(folder, 5, ("a.wav", 440, "sad"));
        await using var director = new MusicDirector([new FailingSource(FailingSource.Mode.ThrowOnFind), local], Format, Options());
        await director.SetMoodAsync(Sad);
        await Read(director, 0.3);
        Assert.Equal("local", director.NowPlaying!.Source);
    }

    [Fact(Timeout = 60000)]
    public async Task A_source_that_finds_nothing_or_whose_tracks_fail_to_open_hands_over_to_the_next()
    {
        using var folder = new TempFolder();
        var local = await Library(folder, 5, ("a.wav", 440, "sad"));
        var empty = new FailingSource(FailingSource.Mode.FindNothing);
        var broken = new FailingSource(FailingSource.Mode.ThrowOnOpen);
        await using var director = new MusicDirector([empty, broken, local], Format, Options());
        await director.SetMoodAsync(Sad);
        var audio = await Read(director, 0.3);
        Assert.Equal("local", director.NowPlaying!.Source);
        Assert.True(broken.Opens >= 1);
        Assert.True(TestAudio.Rms(audio.AsSpan(2205)) > 0.3);
    }

    [Fact]
    public void Bad_music_options_are_rejected_with_the_key_named()
    {
        var e = Assert.Throws<ArgumentException>(() => new MusicOptions { MoodChange = "sometimes" }.Validate());
        Assert.Contains("music:moodChange", e.Message);
        e = Assert.ThrowsAny<ArgumentException>(() => new MusicOptions { CrossfadeMs = 0 }.Validate());
        Assert.Contains("music:crossfadeMs", e.Message);
        var bound = MusicOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["music:moodChange"] = "crossfade", ["music:crossfadeMs"] = "1500" }).Build());
        Assert.True(bound.CrossfadeOnMoodChange);
        Assert.Equal(1500, bound.CrossfadeMs);
    }
}

/// <summary>A source failing the ways a real one can (network down, empty search, unplayable track): only failures are faked.</summary>
sealed class FailingSource(FailingSource.Mode mode) : IMusicSource
{
    public enum Mode { ThrowOnFind, FindNothing, ThrowOnOpen }

    public int Opens;

    public async IAsyncEnumerable<TrackInfo> FindTracksAsync(MoodReading mood, int maxResults, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        if (mode == Mode.ThrowOnFind) throw new MusicSourceException("network is down");
        if (mode == Mode.FindNothing) yield break;
        yield return new TrackInfo { Source = "broken", Id = "x", Title = "Broken" };
    }

    public ValueTask<IPcmStream> OpenAsync(TrackInfo track, AudioFormat format, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Opens);
        throw new MusicSourceException("cannot decode");
    }
}
