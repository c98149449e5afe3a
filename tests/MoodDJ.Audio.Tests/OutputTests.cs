using MoodDJ.Abstractions.Settings;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Plugins;
using MoodDJ.Testing;
using MoodDJ.Plugins.Outputs;

namespace MoodDJ.Audio.Tests;

/// <summary>The wav, stdout and null outputs, on real files and streams.</summary>
public sealed class OutputTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mooddj-audio-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static float[] Sine(AudioFormat format, TimeSpan length, double hz = 440, float amplitude = 0.5f)
    {
        var samples = new float[format.SamplesFor(length)];
        for (var i = 0; i < samples.Length; i++)
            samples[i] = amplitude * (float)Math.Sin(2 * Math.PI * hz * (i / format.Channels) / format.SampleRate);
        return samples;
    }

    [Fact]
    public async Task The_wav_output_writes_a_file_whose_header_and_samples_read_back()
    {
        var path = Path.Combine(_folder, "sub", "out.wav");
        var format = new AudioFormat(48000, 2);
        var samples = Sine(format, TimeSpan.FromSeconds(1.5));
        samples[10] = 1.5f; // out of range: clips
        samples[11] = -2f;
        await using (var playback = await new WavAudioOutput(path).OpenAsync(format))
        {
            for (var offset = 0; offset < samples.Length; offset += 4800)
                await playback.WriteAsync(samples.AsMemory(offset, Math.Min(4800, samples.Length - offset)));
        }

        var bytes = await File.ReadAllBytesAsync(path);
        Assert.Equal(44 + samples.Length * 2, bytes.Length);
        Assert.Equal((uint)(bytes.Length - 8), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal((uint)(samples.Length * 2), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(40)));
        var wav = WavFile.Read(path);
        Assert.Equal(format, wav.Format);
        Assert.Equal(16, wav.BitsPerSample);
        Assert.Equal(TimeSpan.FromSeconds(1.5), wav.Duration);
        Assert.Equal(32767 / 32768f, wav.Samples[10]);
        Assert.Equal(-1f, wav.Samples[11]);
        for (var i = 100; i < samples.Length; i += 997) Assert.Equal(samples[i], wav.Samples[i], 1 / 32768f);
    }

    [Fact]
    public async Task Ffprobe_accepts_the_wav_file_with_its_rate_channels_and_duration()
    {
        var path = Path.Combine(_folder, "probe.wav");
        await using (var playback = await new WavAudioOutput(path).OpenAsync(AudioFormat.SeedMono))
            await playback.WriteAsync(Sine(AudioFormat.SeedMono, TimeSpan.FromSeconds(2)));

        var info = new ProcessStartInfo("ffprobe", ["-v", "error", "-print_format", "json", "-show_streams", path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var json = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0 && errors.Length == 0, errors);
        var stream = JsonDocument.Parse(json).RootElement.GetProperty("streams")[0];
        Assert.Equal("pcm_s16le", stream.GetProperty("codec_name").GetString());
        Assert.Equal("44100", stream.GetProperty("sample_rate").GetString());
        Assert.Equal(1, stream.GetProperty("channels").GetInt32());
        Assert.Equal(2.0, double.Parse(stream.GetProperty("duration").GetString()!, System.Globalization.CultureInfo.InvariantCulture), 3);
    }

    [Fact]
    public async Task Draining_the_wav_output_leaves_a_valid_file_while_it_is_still_open()
    {
        var path = Path.Combine(_folder, "live.wav");
        await using var playback = await new WavAudioOutput(path).OpenAsync(AudioFormat.SeedMono);
        await playback.WriteAsync(Sine(AudioFormat.SeedMono, TimeSpan.FromSeconds(0.5)));
        await playback.DrainAsync();
        await using (var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            var bytes = new byte[reader.Length];
            await reader.ReadExactlyAsync(bytes);
            Assert.Equal(TimeSpan.FromSeconds(0.5), WavFile.Parse(bytes).Duration);
        }
        await playback.WriteAsync(Sine(AudioFormat.SeedMono, TimeSpan.FromSeconds(0.5)));
    }

    [Fact]
    public async Task An_unwritable_wav_path_fails_naming_the_path_and_the_setting()
    {
        var path = Path.Combine(_folder, "blocker", "x.wav");
        await File.WriteAllTextAsync(Path.Combine(_folder, "blocker"), "a file where a folder should be");
        var error = await Assert.ThrowsAsync<IOException>(() => new WavAudioOutput(path).OpenAsync(AudioFormat.SeedMono).AsTask());
        Assert.Contains("plugins:settings:outputs:wavPath", error.Message);
        Assert.Contains("blocker", error.Message);
    }

    [Fact]
    public async Task The_stdout_output_writes_raw_little_endian_16_bit_samples()
    {
        var sink = new MemoryStream();
        var format = new AudioFormat(44100, 2);
        await using (var playback = await new StdoutAudioOutput(() => sink).OpenAsync(format))
        {
            await playback.WriteAsync(new[] { 0.5f, -0.5f, 1f, -1f, 0f, 0.25f });
            await playback.DrainAsync();
            await Assert.ThrowsAsync<ArgumentException>(() => playback.WriteAsync(new float[3]).AsTask());
        }
        Assert.Equal(new byte[] { 0x00, 0x40, 0x00, 0xC0, 0xFF, 0x7F, 0x00, 0x80, 0x00, 0x00, 0x00, 0x20 }, sink.ToArray());
    }

    [Fact]
    public async Task The_stdout_output_survives_a_reader_that_went_away()
    {
        var closed = new MemoryStream();
        var playback = await new StdoutAudioOutput(() => closed).OpenAsync(AudioFormat.SeedMono);
        await playback.WriteAsync(new float[441]);
        closed.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => playback.WriteAsync(new float[441]).AsTask());
        await playback.DisposeAsync();
    }

    [Fact]
    public async Task The_null_output_swallows_instantly_unless_paced_and_then_takes_real_time()
    {
        var second = Sine(AudioFormat.SeedMono, TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();
        await using (var fast = await new NullAudioOutput(pace: false).OpenAsync(AudioFormat.SeedMono))
            for (var i = 0; i < 10; i++) await fast.WriteAsync(second);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"10 s unpaced took {clock.Elapsed}");

        clock.Restart();
        await using (var paced = await new NullAudioOutput(pace: true).OpenAsync(AudioFormat.SeedMono))
        {
            for (var offset = 0; offset < second.Length; offset += 441) await paced.WriteAsync(second.AsMemory(offset, 441));
            await paced.DrainAsync();
        }
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void The_outputs_plugin_registers_wav_stdout_and_null_and_checks_its_settings()
    {
        var services = Register(new() { ["wavPath"] = Path.Combine(_folder, "x.wav"), ["pace"] = "true" });
        Assert.IsType<WavAudioOutput>(services.GetRequiredKeyedService<IAudioOutput>("wav"));
        Assert.IsType<StdoutAudioOutput>(services.GetRequiredKeyedService<IAudioOutput>("stdout"));
        Assert.True(Assert.IsType<NullAudioOutput>(services.GetRequiredKeyedService<IAudioOutput>("null")).Pace);
        Assert.Equal("mooddj.wav", ((WavAudioOutput)Register(new()).GetRequiredKeyedService<IAudioOutput>("wav")).Path);

        var error = Assert.Throws<SettingsException>(() => Register(new() { ["pace"] = "sometimes" }));
        Assert.Contains("plugins:settings:outputs:pace", error.Message);
        error = Assert.Throws<SettingsException>(() => Register(new() { ["wavPath"] = " " }));
        Assert.Contains("wavPath", error.Message);
    }

    private static IServiceProvider Register(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return PluginProbe.Compose(new OutputsPlugin(), new PluginContext("outputs", AppContext.BaseDirectory, configuration));
    }
}
