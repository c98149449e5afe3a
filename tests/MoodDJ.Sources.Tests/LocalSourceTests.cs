using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;
using MoodDJ.Plugins.LocalLibrary;

namespace MoodDJ.Sources.Tests;

public class LocalSourceTests
{
    internal static LocalMusicSource Source(TempFolder folder, string? database = null)
        => new(new LocalLibraryOptions { Folder = folder.Path, Database = database, ExcerptSeconds = 3, IndexParallelism = 2 });

    internal static async Task<List<TrackInfo>> FindAll(IMusicSource source, MoodReading mood, int max = 100)
    {
        var list = new List<TrackInfo>();
        await foreach (var t in source.FindTracksAsync(mood, max)) list.Add(t);
        return list;
    }

    [Fact(Timeout = 60000)]
    public async Task Probing_reads_tags_and_duration_and_survives_quotes_in_names_and_rejects_corrupt_files()
    {
        using var folder = new TempFolder();
        TestAudio.Sine(folder.File("12\" Mix 'x'.flac"), 440, 3, 0.5, "-metadata", "title=Sine Song", "-metadata", "ARTIST=Test Artist");
        TestAudio.Sine(folder.File("-dash.ogg"), 440, 2, 0.5, "-c:a", "libvorbis", "-metadata", "title=Ogg Song");
        File.WriteAllBytes(folder.File("corrupt.mp3"), Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7919 % 251)).ToArray());
        var source = Source(folder);
        var report = await source.IndexAsync();
        Assert.Equal(["-dash.ogg", "12\" Mix 'x'.flac"], report.Analyzed.Order(StringComparer.Ordinal));
        Assert.Contains("corrupt.mp3", report.Skipped.Keys);
        var tracks = await FindAll(source, MoodReading.Neutral);
        var flac = tracks.Single(t => t.Id.EndsWith(".flac"));
        Assert.Equal(("Sine Song", "Test Artist"), (flac.Title, flac.Artist));
        Assert.Equal(3.0, flac.Duration!.Value.TotalSeconds, 2);
        Assert.Equal("Ogg Song", tracks.Single(t => t.Id.EndsWith(".ogg")).Title); // Ogg keeps its tags on the stream
    }

    [Fact(Timeout = 90000)]
    public async Task Files_of_several_formats_are_indexed_and_decode_to_the_requested_format()
    {
        using var folder = new TempFolder();
        var files = new List<string> { "a.wav", "b.flac", "c.mp3", "d.ogg" };
        TestAudio.Sine(folder.File("a.wav"), 440, 3);
        TestAudio.Sine(folder.File("b.flac"), 440, 3);
        TestAudio.Sine(folder.File("c.mp3"), 440, 3, 0.5, "-c:a", "libmp3lame", "-b:a", "128k");
        TestAudio.Sine(folder.File("d.ogg"), 440, 3, 0.5, "-c:a", "libvorbis");
        if (TestAudio.HasEncoder("libopus")) { TestAudio.Sine(folder.File("e.opus"), 440, 3, 0.5, "-c:a", "libopus"); files.Add("e.opus"); }
        if (TestAudio.HasEncoder("aac")) { TestAudio.Sine(folder.File("f.m4a"), 440, 3, 0.5, "-c:a", "aac"); files.Add("f.m4a"); }

        var source = Source(folder);
        var report = await source.IndexAsync();
        Assert.Equal(files.Order(), report.Analyzed.Order());
        Assert.Empty(report.Skipped);

        var tracks = await FindAll(source, MoodReading.Neutral);
        Assert.Equal(files.Count, tracks.Count);
        var format = new AudioFormat(48000, 2);
        foreach (var track in tracks)
        {
            Assert.Equal("local", track.Source);
            Assert.InRange(track.Duration!.Value.TotalSeconds, 2.9, 3.2);
            await using var pcm = await source.OpenAsync(track, format);
            Assert.Equal(format, pcm.Format);
            var samples = await TestAudio.ReadAsync(pcm, 48000 * 2 * 4);
            Assert.InRange(samples.Length / 2 / 48000.0, 2.9, 3.1); // the whole track, then the end
            var left = Enumerable.Range(0, samples.Length / 2).Select(i => samples[2 * i]).Skip(4800).Take(9600).ToArray();
            var at440 = TestAudio.Power(left, 440, 48000);
            var at880 = TestAudio.Power(left, 880, 48000);
            Assert.True(at440 > 100 * at880, $"{track.Id}: 440 Hz should dominate");
            // A 0.5-amplitude sine has 0.354 RMS; ffmpeg's mono→stereo upmix spreads it at −3 dB (0.25) per side.
            Assert.InRange(TestAudio.Rms(left), 0.22, 0.42);
        }
    }

    [Fact(Timeout = 90000)]
    public async Task Re_indexing_analyses_only_the_changed_file_and_forgets_deleted_ones()
    {
        using var folder = new TempFolder();
        for (var i = 0; i < 4; i++) TestAudio.Sine(folder.File($"t{i}.flac"), 300 + 100 * i, 2);
        var first = await Source(folder).IndexAsync();
        Assert.Equal(4, first.Analyzed.Count);

        // A new source object over the same database: nothing changed, nothing analysed.
        var second = await Source(folder).IndexAsync();
        Assert.Empty(second.Analyzed);
        Assert.Equal(4, second.Unchanged);

        File.SetLastWriteTimeUtc(folder.File("t2.flac"), DateTime.UtcNow.AddMinutes(1)); // touch
        File.Delete(folder.File("t3.flac"));
        var third = await Source(folder).IndexAsync();
        Assert.Equal(["t2.flac"], third.Analyzed);
        Assert.Equal(["t3.flac"], third.Removed);
        Assert.Equal(2, third.Unchanged);
        Assert.Equal(3, (await FindAll(Source(folder), MoodReading.Neutral)).Count);
    }

    [Fact(Timeout = 90000)]
    public async Task Broken_empty_and_non_audio_files_are_skipped_with_a_reason_and_never_stop_indexing()
    {
        using var folder = new TempFolder();
        TestAudio.Sine(folder.File("good.wav"), 440, 2);
        File.WriteAllBytes(folder.File("empty.mp3"), []);
        File.WriteAllText(folder.File("notes.mp3"), "this is a text file pretending to be an mp3\n");
        var truncated = File.ReadAllBytes(TestAudio.Sine(folder.File("tmp.flac"), 440, 2));
        File.Delete(folder.File("tmp.flac"));
        File.WriteAllBytes(folder.File("broken.flac"), truncated[..40]); // header only, no frames
        TestAudio.Ffmpeg([.. TestAudio.Lavfi("testsrc=duration=1:size=64x64:rate=5"), "-c:v", "mjpeg", "-f", "matroska", folder.File("video-only.mka")]);
        File.WriteAllText(folder.File("readme.txt"), "not considered: wrong extension");

        var report = await Source(folder).IndexAsync();
        Assert.Equal(["good.wav"], report.Analyzed);
        Assert.Contains("empty", report.Skipped["empty.mp3"]);
        Assert.Contains("notes.mp3", report.Skipped.Keys);
        Assert.Contains("broken.flac", report.Skipped.Keys);
        Assert.Contains("no audio stream", report.Skipped["video-only.mka"]);
        Assert.DoesNotContain("readme.txt", report.Skipped.Keys);

        // Skipped files are remembered too: a second pass does not probe them again.
        var again = await Source(folder).IndexAsync();
        Assert.Empty(again.Analyzed);
        Assert.Empty(again.Skipped);
        Assert.Equal(5, again.Unchanged);
    }

    [Fact(Timeout = 90000)]
    public async Task The_sidecar_file_overrides_a_tracks_mood_and_steers_the_ranking()
    {
        using var folder = new TempFolder();
        TestAudio.Sine(folder.File("one.wav"), 440, 2);
        TestAudio.Sine(folder.File("two.wav"), 660, 2);
        Directory.CreateDirectory(folder.File("sub"));
        TestAudio.Sine(folder.File("sub/three.wav"), 550, 2);
        File.WriteAllText(folder.File("mooddj-moods.json"), """
            {
              "one.wav": { "mood": "sad" },
              "sub/three.wav": { "valence": 0.9, "arousal": 0.9 },
              "two.wav": { "mood": "not-a-mood" }
            }
            """);
        var source = Source(folder);
        await source.IndexAsync();

        var sad = await FindAll(source, new MoodReading(MoodLabel.Sad, -0.7, -0.4, 1), 1);
        Assert.Equal("one.wav", sad.Single().Id);
        Assert.Equal("sad", sad.Single().Tags["mood"]);
        var energetic = await FindAll(source, new MoodReading(MoodLabel.Energetic, 0.8, 0.8, 1), 1);
        Assert.Equal("sub/three.wav", energetic.Single().Id);
        Assert.Equal(0.9, energetic.Single().Valence, 3);

        // Changing only the sidecar takes effect on the next pass without re-analysing audio.
        File.WriteAllText(folder.File("mooddj-moods.json"), """{ "two.wav": { "mood": "sad" } }""");
        var report = await source.IndexAsync();
        Assert.Empty(report.Analyzed);
        Assert.Equal("two.wav", (await FindAll(source, new MoodReading(MoodLabel.Sad, -0.7, -0.4, 1), 1)).Single().Id);
    }

}

/// <summary>Decoding and seeking local tracks (apart from indexing, so the two run in parallel).</summary>
public class LocalDecodeTests
{
    private static LocalMusicSource Source(TempFolder folder) => LocalSourceTests.Source(folder);

    private static Task<List<TrackInfo>> FindAll(IMusicSource source, MoodReading mood, int max = 100) => LocalSourceTests.FindAll(source, mood, max);

    [Theory(Timeout = 90000)]
    [InlineData("stairs.flac")]
    [InlineData("stairs.mp3")]
    public async Task Seeking_lands_where_asked(string name)
    {
        using var folder = new TempFolder();
        TestAudio.Staircase(folder.File(name), 15);
        var source = Source(folder);
        var track = (await FindAll(source, MoodReading.Neutral)).Single();
        var format = new AudioFormat(44100, 1);
        await using var pcm = await source.OpenAsync(track, format);
        Assert.True(pcm.CanSeek);

        await pcm.SeekAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(10), pcm.Position);
        var block = await TestAudio.ReadAsync(pcm, 4410);
        Assert.Equal(10, TestAudio.StaircaseStep(block.AsSpan(441, 2205), 44100)); // second 10 = 1200 Hz

        // Land 250 ms before a step: the 1300 Hz step must begin 250 ms (±15 ms) into the decode.
        await pcm.SeekAsync(TimeSpan.FromSeconds(10.75));
        var samples = await TestAudio.ReadAsync(pcm, 22050);
        // The first milliseconds after a seek may hold a decoder's warm-up (mp3's bit reservoir), so
        // look for the step change where it is stable: step 10 before, step 11 for the next 100 ms.
        var steps = new List<int>();
        for (var i = 0; i + 441 <= samples.Length; i += 44) steps.Add(TestAudio.StaircaseStep(samples.AsSpan(i, 441), 44100));
        Assert.Equal(10, steps[(int)(150 / 0.9977)]); // 150 ms in: still second 10
        var boundary = -1;
        for (var w = 0; w + 100 < steps.Count; w++)
        {
            if (steps[w] == 11 && steps.Skip(w).Take(100).All(x => x == 11)) { boundary = w * 44 + 220; break; }
        }
        Assert.InRange(boundary / 44.1, 235, 265);
    }

    [Fact(Timeout = 60000)]
    public async Task Opening_a_track_that_vanished_gives_a_clear_error()
    {
        using var folder = new TempFolder();
        TestAudio.Sine(folder.File("gone.wav"), 440, 1);
        var source = Source(folder);
        var track = (await FindAll(source, MoodReading.Neutral)).Single();
        File.Delete(folder.File("gone.wav"));
        var e = await Assert.ThrowsAsync<MusicSourceException>(() => source.OpenAsync(track, AudioFormat.SeedMono).AsTask());
        Assert.Contains("re-index", e.Message);
        var outside = track with { Id = "../../etc/passwd" };
        await Assert.ThrowsAsync<MusicSourceException>(() => source.OpenAsync(outside, AudioFormat.SeedMono).AsTask());
    }
}
