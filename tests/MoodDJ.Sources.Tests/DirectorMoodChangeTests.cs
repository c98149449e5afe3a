using System.Runtime.CompilerServices;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;
using MoodDJ.Music;

namespace MoodDJ.Sources.Tests;

/// <summary>A new mood heard at once, /like and /dislike kept across restarts, and decks at another rate.</summary>
public class DirectorMoodChangeTests
{
    private static AudioFormat Format => DirectorTests.Format;

    [Fact(Timeout = 60000)]
    public async Task By_default_a_new_mood_crossfades_in_at_once_and_is_named_as_now_playing()
    {
        using var folder = new TempFolder();
        var source = await DirectorTests.Library(folder, 30, ("sad.wav", 440, "sad"), ("happy.wav", 660, "happy"));
        var options = DirectorTests.Options();
        Assert.True(new MusicOptions().CrossfadeOnMoodChange); // the default
        await using var director = new MusicDirector([source], Format, options);
        await director.SetMoodAsync(DirectorTests.Sad);
        await DirectorTests.Read(director, 0.5);
        Assert.Equal("sad.wav", director.NowPlaying!.Id);

        await director.SetMoodAsync(DirectorTests.Happy);
        Assert.Equal("happy.wav", director.NowPlaying!.Id); // at once, not at the sad track's end
        var early = await DirectorTests.Read(director, 0.5);
        Assert.True(TestAudio.Power(early.AsSpan(early.Length - 2205), 660, Format.SampleRate) > 0.01, "the new track is heard within half a second");
        var late = await DirectorTests.Read(director, options.CrossfadeMs / 1000.0);
        Assert.Equal(660, DirectorTests.Dominant(late.AsSpan(late.Length - 2205), 440, 660));
        Assert.True(TestAudio.Power(late.AsSpan(late.Length - 2205), 440, Format.SampleRate) < 1e-4, "the old track is gone after the crossfade");
        Assert.Equal(TrackEndReason.MoodChanged, director.History.Single().Reason);
    }

    [Fact(Timeout = 90000)]
    public async Task A_disliked_track_is_skipped_and_never_picked_for_that_mood_again_even_after_a_restart()
    {
        using var folder = new TempFolder();
        var source = await DirectorTests.Library(folder, 1, ("a.wav", 400, "sad"), ("b.wav", 800, "sad"));
        var prefs = folder.File("state/preferences.json");
        string disliked;
        await using (var director = new MusicDirector([source], Format, DirectorTests.Options(o => o.PreferencesFile = prefs)))
        {
            await director.SetMoodAsync(DirectorTests.Sad);
            await DirectorTests.Read(director, 0.2);
            disliked = (await director.DislikeAsync())!.Id;
            await DirectorTests.WaitUntil(() => director.NowPlaying?.Id != disliked);
            await DirectorTests.Read(director, 0.1); // through the short skip fade
            Assert.Equal(TrackEndReason.Disliked, director.History.Single().Reason);
        }
        Assert.Contains(disliked, File.ReadAllText(prefs));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(prefs)!, "*.tmp"));

        await using (var restarted = new MusicDirector([source], Format, DirectorTests.Options(o => o.PreferencesFile = prefs)))
        {
            await restarted.SetMoodAsync(DirectorTests.Sad);
            await DirectorTests.Read(restarted, 2.5); // two and a half one-second tracks
            Assert.All(restarted.History.Select(h => h.Track.Id).Append(restarted.NowPlaying!.Id), id => Assert.NotEqual(disliked, id));
        }
    }

    [Fact(Timeout = 90000)]
    public async Task A_liked_track_is_picked_first_for_that_mood_after_a_restart()
    {
        using var folder = new TempFolder();
        var source = await DirectorTests.Library(folder, 1, ("a.wav", 300, "sad"), ("b.wav", 500, "sad"), ("c.wav", 700, "sad"));
        var prefs = folder.File("preferences.json");
        string first, liked;
        await using (var director = new MusicDirector([source], Format, DirectorTests.Options(o => o.PreferencesFile = prefs)))
        {
            await director.SetMoodAsync(DirectorTests.Sad);
            await DirectorTests.Read(director, 0.2);
            first = director.NowPlaying!.Id;
            await DirectorTests.Read(director, 1.0);
            await DirectorTests.WaitUntil(() => director.NowPlaying?.Id != first);
            liked = (await director.LikeAsync())!.Id;
            Assert.NotEqual(first, liked);
        }
        await using var restarted = new MusicDirector([source], Format, DirectorTests.Options(o => o.PreferencesFile = prefs));
        await restarted.SetMoodAsync(DirectorTests.Sad);
        await DirectorTests.Read(restarted, 0.2);
        Assert.Equal(liked, restarted.NowPlaying!.Id);
    }

    [Fact(Timeout = 30000)]
    public async Task A_source_at_another_rate_is_resampled_to_the_program_rate()
    {
        var program = new AudioFormat(44100, 1);
        await using var director = new MusicDirector([new FixedRateSource(22050, 1000)], program, DirectorTests.Options());
        await director.SetMoodAsync(DirectorTests.Sad);
        var audio = new float[program.SamplesFor(TimeSpan.FromSeconds(1))];
        for (var i = 0; i < audio.Length; i += 441) await director.ReadAsync(audio.AsMemory(i, 441));
        var block = audio.AsSpan(audio.Length - 4410, 4410);
        Assert.True(TestAudio.Power(block, 1000, program.SampleRate) > 100 * TestAudio.Power(block, 500, program.SampleRate), "1 kHz stays 1 kHz (not 500 Hz) at the program rate");
        Assert.InRange(TestAudio.Rms(block), 0.3, 0.4);
    }

    /// <summary>A real source would honour the format it is asked for; this one always delivers its own rate.</summary>
    private sealed class FixedRateSource(int rate, double hz) : IMusicSource
    {
        public async IAsyncEnumerable<TrackInfo> FindTracksAsync(MoodReading mood, int maxResults, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            yield return new TrackInfo { Source = "fixed", Id = "tone", Title = "Tone" };
        }

        public ValueTask<IPcmStream> OpenAsync(TrackInfo track, AudioFormat format, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IPcmStream>(new Tone(new AudioFormat(rate, 1), hz));
    }

    private sealed class Tone(AudioFormat format, double hz) : IPcmStream
    {
        private long _n;
        public AudioFormat Format => format;
        public TimeSpan? Duration => null;
        public TimeSpan Position => format.DurationOf(_n);
        public bool CanSeek => false;

        public ValueTask<int> ReadAsync(Memory<float> buffer, CancellationToken cancellationToken = default)
        {
            var span = buffer.Span;
            for (var i = 0; i < span.Length; i++, _n++) span[i] = 0.5f * (float)Math.Sin(2 * Math.PI * hz * _n / format.SampleRate);
            return ValueTask.FromResult(span.Length);
        }

        public ValueTask SeekAsync(TimeSpan position, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
