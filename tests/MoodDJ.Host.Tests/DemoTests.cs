using MoodDJ.Host.Tests.Support;
using Xunit.Abstractions;

namespace MoodDJ.Host.Tests;

/// <summary>`mooddj demo` writes real music: a valid WAV of the asked length whose feel follows the prompt.</summary>
public class DemoTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Demo_writes_a_valid_wav_of_the_requested_length_that_is_not_silent()
    {
        using var temp = new TempFolder();
        var wav = await RunDemoAsync(temp, "I feel happy", 6);

        // The default station streams Opus: 48 kHz stereo.
        Assert.Equal(2, wav.Channels);
        Assert.Equal(48000, wav.SampleRate);
        Assert.InRange(wav.Seconds, 5.95, 6.05);
        Assert.True(MusicFeatures.Rms(wav.Samples) > 0.02, $"RMS {MusicFeatures.Rms(wav.Samples):F4} is too quiet");
        Assert.True(wav.Samples.All(s => s is > -1f and < 1f) || wav.Samples.Count(s => Math.Abs(s) >= 0.999f) < wav.Samples.Length / 1000,
            "the demo clips");
    }

    [Fact]
    public async Task A_happy_prompt_makes_faster_busier_music_than_a_sad_one()
    {
        using var temp = new TempFolder();
        var happy = await RunDemoAsync(temp, "I feel so happy and excited today!", 12, "happy.wav");
        var sad = await RunDemoAsync(temp, "I feel sad and lonely", 12, "sad.wav");

        var happyTempo = MusicFeatures.TempoBpm(Mono(happy), happy.SampleRate);
        var sadTempo = MusicFeatures.TempoBpm(Mono(sad), sad.SampleRate);
        var happyOnsets = MusicFeatures.OnsetRate(Mono(happy), happy.SampleRate);
        var sadOnsets = MusicFeatures.OnsetRate(Mono(sad), sad.SampleRate);
        output.WriteLine($"happy: {happyTempo:F1} BPM, {happyOnsets:F2} onsets/s; sad: {sadTempo:F1} BPM, {sadOnsets:F2} onsets/s");

        Assert.False(happy.Samples.AsSpan().SequenceEqual(sad.Samples), "happy and sad prompts produced identical audio");
        // The generator maps arousal to tempo and rhythm density: the happy track must be measurably
        // livelier on note starts per second, the figure least fooled by tempo octave errors.
        Assert.True(happyOnsets > sadOnsets * 1.2, $"happy {happyOnsets:F2} onsets/s vs sad {sadOnsets:F2}");
    }

    [Fact]
    public async Task Demo_streams_the_seeds_l16_at_44_1_kHz_mono_when_the_codec_is_pcm()
    {
        using var temp = new TempFolder();
        var path = temp.File("pcm.wav");
        var result = await MooddjProcess.RunAsync(temp.Path, "demo", "I feel calm", "--seconds", "4", "--out", path,
            "--set", "use:codec=pcm");
        output.WriteLine(result.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());

        var wav = WavFile.Read(path);
        Assert.Equal(44100, wav.SampleRate);
        Assert.Equal(1, wav.Channels);
        Assert.InRange(wav.Seconds, 3.95, 4.05);
        Assert.True(MusicFeatures.Rms(wav.Samples) > 0.02, $"RMS {MusicFeatures.Rms(wav.Samples):F4} is too quiet");
    }

    [Fact]
    public async Task Demo_to_stdout_writes_raw_pcm_of_the_requested_length()
    {
        using var temp = new TempFolder();
        var result = await MooddjProcess.RunProgramAsync("bash", temp.Path,
            ["-c", $"dotnet '{Path.Combine(MooddjProcess.HostFolder, "mooddj.dll")}' demo 'calm evening' --seconds 2 --output stdout | wc -c"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        // s16le stereo 48 kHz (the default Opus station): 2 bytes per sample, 2 channels.
        Assert.Equal(2 * 2 * 48000 * 2, long.Parse(result.StdOut.Trim()));
    }

    [Fact]
    public async Task Demo_with_an_empty_music_folder_fails_fast_with_the_cause()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.File("music"));
        var started = System.Diagnostics.Stopwatch.StartNew();
        var result = await MooddjProcess.RunAsync(temp.Path, "demo", "I feel calm", "--seconds", "3", "--out", temp.File("x.wav"),
            "--set", "use:musicSources:0=local", "--set", $"plugins:settings:local:folder={temp.File("music")}");

        CommandLineTests.AssertCleanFailure(result, "No music: ");
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20), $"took {started.Elapsed.TotalSeconds:0.0} s\n{result}");
    }

    [Fact]
    public async Task Demo_says_which_file_it_wrote()
    {
        using var temp = new TempFolder();
        var result = await MooddjProcess.RunAsync(temp.Path, "demo", "I feel happy", "--seconds", "1", "--out", "said.wav");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("wrote " + temp.File("said.wav"), result.StdErr);
    }

    private static float[] Mono(WavFile wav)
    {
        var mono = new float[wav.Samples.Length / wav.Channels];
        for (var i = 0; i < mono.Length; i++)
        {
            float sum = 0;
            for (var c = 0; c < wav.Channels; c++) sum += wav.Samples[i * wav.Channels + c];
            mono[i] = sum / wav.Channels;
        }
        return mono;
    }

    private async Task<WavFile> RunDemoAsync(TempFolder temp, string prompt, int seconds, string name = "demo.wav")
    {
        var path = temp.File(name);
        var result = await MooddjProcess.RunAsync(temp.Path, "demo", prompt, "--seconds", seconds.ToString(), "--out", path);
        output.WriteLine(result.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
        return WavFile.Read(path);
    }
}
