using MoodDJ.Testing;
using MoodDJ.Abstractions.Settings;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Plugins;
using MoodDJ.Plugins.AlsaOutput;

namespace MoodDJ.Audio.Tests;

/// <summary>The ALSA output on the real libasound.so.2. This machine has no sound card: "null" is the device that exists.</summary>
public class AlsaOutputTests
{
    [Fact]
    public async Task A_missing_device_fails_with_a_message_that_says_what_to_do()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new AlsaAudioOutput("default", TimeSpan.FromMilliseconds(100)).OpenAsync(AudioFormat.SeedMono).AsTask());
        Assert.Equal("ALSA device 'default' not found (-2): pick one with plugins:settings:alsa:device; `aplay -L` lists them.", error.Message);
        error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new AlsaAudioOutput("no-such-device", TimeSpan.FromMilliseconds(100)).OpenAsync(AudioFormat.SeedMono).AsTask());
        Assert.Contains("'no-such-device'", error.Message);
        Assert.Contains("aplay -L", error.Message);
    }

    [Fact]
    public async Task The_null_device_is_paced_so_one_second_of_audio_takes_about_one_second()
    {
        var output = new AlsaAudioOutput("null", TimeSpan.FromMilliseconds(100));
        await using var playback = await output.OpenAsync(AudioFormat.SeedMono);
        var chunk = new float[441];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 100; i++) await playback.WriteAsync(chunk);
        var written = clock.Elapsed;
        await playback.DrainAsync();
        var drained = clock.Elapsed;
        // Writing runs at most the latency (100 ms) ahead of real time; draining waits for the rest.
        Assert.InRange(written, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(10));
        Assert.InRange(drained, TimeSpan.FromSeconds(0.95), TimeSpan.FromSeconds(10));

        // After a drain the device takes more audio.
        await playback.WriteAsync(new float[4410]);
    }

    [Fact]
    public async Task Stereo_at_48_kHz_plays_on_the_null_device()
    {
        await using var playback = await new AlsaAudioOutput("null", TimeSpan.FromMilliseconds(50)).OpenAsync(AudioFormat.OpusStereo);
        Assert.Equal(AudioFormat.OpusStereo, playback.Format);
        var clock = Stopwatch.StartNew();
        await playback.WriteAsync(new float[48000]); // 0.5 s of stereo
        await playback.DrainAsync();
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.45), TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<ArgumentException>(() => playback.WriteAsync(new float[3]).AsTask());
    }

    [Fact]
    public async Task Cancelling_a_paced_write_stops_it_promptly()
    {
        await using var playback = await new AlsaAudioOutput("null", TimeSpan.FromMilliseconds(20)).OpenAsync(AudioFormat.SeedMono);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => playback.WriteAsync(new float[44100 * 10], cancel.Token).AsTask());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"cancel took {clock.Elapsed}");
    }

    [Fact]
    public void The_plugin_registers_alsa_with_its_device_and_latency_settings()
    {
        var alsa = (AlsaAudioOutput)Register(new() { ["device"] = "null", ["latencyMs"] = "40" }).GetRequiredKeyedService<IAudioOutput>("alsa");
        Assert.Equal("null", alsa.Device);
        Assert.Equal(TimeSpan.FromMilliseconds(40), alsa.Latency);
        Assert.Equal("default", ((AlsaAudioOutput)Register(new()).GetRequiredKeyedService<IAudioOutput>("alsa")).Device);
        var error = Assert.Throws<SettingsException>(() => Register(new() { ["latencyMs"] = "5" }));
        Assert.Contains("plugins:settings:alsa:latencyMs", error.Message);
    }

    private static IServiceProvider Register(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return PluginProbe.Compose(new AlsaPlugin(), new PluginContext("alsa", AppContext.BaseDirectory, configuration));
    }
}

/// <summary>
/// alsa-lib keeps one error handler for the whole process. The alsa plugin installs one of its own
/// (to keep alsa's noise off stderr); when hot reload unloads the plugin, that handler would point
/// into freed code. The plugin must hand alsa-lib its default handler back on unload.
/// </summary>
public class AlsaErrorHandlerTests
{
    [Fact(Timeout = 60_000)]
    public async Task Unloading_the_alsa_plugin_restores_alsa_libs_own_error_handler()
    {
        var before = CurrentHandler();
        var unloaded = await LoadOpenAndUnload();
        for (var i = 0; i < 100 && unloaded.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await Task.Delay(20);
        }
        Assert.False(unloaded.IsAlive, "the plugin never unloaded");
        var after = CurrentHandler();
        Assert.NotEqual(before, _installed);   // the plugin did install its own handler
        Assert.NotEqual(IntPtr.Zero, after);
        Assert.NotEqual(_installed, after);    // and alsa-lib no longer points into the unloaded plugin
    }

    private static IntPtr _installed;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Task<WeakReference> LoadOpenAndUnload()
    {
        var folder = Path.Combine(MoodDJ.Testing.RepoPaths.Root, "artifacts", "plugins", "alsa");
        var plugin = new MoodDJ.Hosting.Plugins.PluginLoader(hotReload: true).Load(folder);
        var services = new ServiceCollection();
        plugin.Entry.Register(services, new PluginContext("alsa", folder, new ConfigurationBuilder().Build()));
        await using (var provider = services.BuildServiceProvider())
        {
            var output = provider.GetRequiredKeyedService<IAudioOutput>("alsa");
            // "default" does not exist here: opening it makes the plugin silence alsa-lib's complaint.
            await Assert.ThrowsAnyAsync<Exception>(() => output.OpenAsync(AudioFormat.SeedMono).AsTask());
            _installed = CurrentHandler();
        }
        var weak = new WeakReference(plugin.Entry.GetType().Assembly);
        plugin.Unload();
        return weak;
    }

    /// <summary>alsa-lib's exported global <c>snd_lib_error</c>: the handler it calls now.</summary>
    private static IntPtr CurrentHandler()
    {
        var library = System.Runtime.InteropServices.NativeLibrary.Load("libasound.so.2");
        return System.Runtime.InteropServices.Marshal.ReadIntPtr(System.Runtime.InteropServices.NativeLibrary.GetExport(library, "snd_lib_error"));
    }
}
