using MoodDJ.Abstractions.Mood;
using MoodDJ.Plugins.SoundMood;
using Xunit.Abstractions;

namespace MoodDJ.Mood.Tests.Sound;

public sealed class SoundMoodTests(RoomClips clips, ITestOutputHelper output) : IClassFixture<RoomClips>
{
    private readonly SoundMoodAnalyzer _analyzer = new(new SoundMoodOptions());

    private async Task<MoodReading> ListenAsync(string path)
    {
        var reading = await _analyzer.ListenAsync(path, TimeSpan.FromSeconds(30));
        var clip = await new SoundClipReader(new SoundMoodOptions()).ReadAsync(path, TimeSpan.FromSeconds(30), CancellationToken.None);
        output.WriteLine($"{Path.GetFileName(path)}: {RoomSoundMeter.Measure(clip, 22050)}");
        output.WriteLine($"{Path.GetFileName(path)}: {reading.Label} V {reading.Valence:0.00} A {reading.Arousal:0.00} conf {reading.Confidence:0.00}");
        foreach (var e in reading.Evidence) output.WriteLine($"  {e.Text}  V {e.Valence:+0.00;-0.00} A {e.Arousal:+0.00;-0.00} {e.Note}");
        return reading;
    }

    [Fact]
    public async Task A_quiet_room_reads_calm()
    {
        var reading = await ListenAsync(clips.Quiet);
        Assert.Equal(MoodLabel.Calm, reading.Label);
        Assert.True(reading.Arousal < -0.5);
        Assert.Contains(reading.Evidence, e => e.Note == "quiet");
    }

    [Fact]
    public async Task A_loud_party_with_a_beat_reads_energetic()
    {
        var reading = await ListenAsync(clips.Party);
        Assert.Equal(MoodLabel.Energetic, reading.Label);
        Assert.Contains(reading.Evidence, e => e.Text.StartsWith("beat 12", StringComparison.Ordinal) || e.Text.StartsWith("beat 13", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_loud_roar_of_noise_reads_unpleasant_and_aroused()
    {
        var reading = await ListenAsync(clips.Roar);
        Assert.Equal(MoodLabel.Angry, reading.Label);
        Assert.Contains(reading.Evidence, e => e.Text == "noise");
    }

    [Fact]
    public async Task People_talking_is_heard_as_speech_and_reads_between_the_quiet_room_and_the_party()
    {
        var talk = await ListenAsync(clips.Talk);
        var quiet = await ListenAsync(clips.Quiet);
        var party = await ListenAsync(clips.Party);
        Assert.Contains(talk.Evidence, e => e.Text == "speech");
        Assert.DoesNotContain(party.Evidence, e => e.Text == "speech");
        Assert.InRange(talk.Arousal, quiet.Arousal, party.Arousal);
        Assert.True(talk.Valence > 0, "a conversation is not read as unpleasant");
    }

    [Fact]
    public async Task Slow_dark_beatless_music_reads_sad()
    {
        var reading = await ListenAsync(clips.Dark);
        Assert.Equal(MoodLabel.Sad, reading.Label);
    }

    [Fact]
    public async Task Capture_goes_through_alsa_and_garbage_samples_still_give_a_finite_reading()
    {
        // ALSA's null device is the only capture device here; it hands over uninitialised memory.
        var reading = await _analyzer.ListenAsync("alsa:null", TimeSpan.FromSeconds(1));
        Assert.True(double.IsFinite(reading.Valence) && double.IsFinite(reading.Arousal));
        Assert.True(reading.Confidence <= 0.15, "a clip under 1.5 s says it is unsure");

        var hostile = new float[22050 * 2];
        for (var i = 0; i < hostile.Length; i++)
            hostile[i] = (i % 4) switch { 0 => float.NaN, 1 => float.PositiveInfinity, 2 => 1e30f, _ => -3f };
        var odd = _analyzer.Analyze(hostile, 22050);
        Assert.True(double.IsFinite(odd.Valence) && double.IsFinite(odd.Arousal));
    }

    [Fact]
    public async Task Bad_sources_and_lengths_fail_with_a_reason()
    {
        var missing = await Assert.ThrowsAsync<ArgumentException>(() => _analyzer.ListenAsync("/no/such/room.wav").AsTask());
        Assert.Contains("/no/such/room.wav", missing.Message);
        var notAudio = Path.Combine(clips.Folder, "notes.txt");
        await File.WriteAllTextAsync(notAudio, "not a sound");
        var bad = await Assert.ThrowsAsync<InvalidOperationException>(() => _analyzer.ListenAsync(notAudio).AsTask());
        Assert.Contains("ffmpeg", bad.Message);
        var tooLong = await Assert.ThrowsAsync<ArgumentException>(() => _analyzer.ListenAsync("alsa:null", TimeSpan.FromHours(1)).AsTask());
        Assert.Contains("maxListenSeconds", tooLong.Message);
        var noDevice = await Assert.ThrowsAsync<InvalidOperationException>(() => _analyzer.ListenAsync("alsa:no-such-card", TimeSpan.FromSeconds(1)).AsTask());
        Assert.Contains("arecord", noDevice.Message);
    }

    [Fact]
    public void Silence_and_a_clip_too_short_to_measure_read_as_an_unsure_quiet_room()
    {
        var silence = _analyzer.Analyze(new float[22050 * 3], 22050);
        Assert.Equal(MoodLabel.Calm, silence.Label);
        var blip = _analyzer.Analyze(new float[100], 22050);
        Assert.True(blip.Confidence <= 0.15);
    }

    [Fact]
    public async Task Alsas_null_device_reads_as_a_silent_room_not_as_noise()
    {
        // arecord -D null returns an uninitialised buffer: zeros with scattered junk such as 5e8.
        var reading = await _analyzer.ListenAsync("alsa:null", TimeSpan.FromSeconds(1));
        Assert.Equal(MoodLabel.Calm, reading.Label);
        Assert.DoesNotContain(reading.Evidence, e => e.Text == "noise");

        float[] junk = [0.5f, float.NaN, 5.1e8f, -0.25f, float.NegativeInfinity, -3e9f];
        Assert.Equal(4, SoundClipReader.DropJunk(junk));
        Assert.Equal([0.5f, 0, 0, -0.25f, 0, 0], junk);
    }
}
