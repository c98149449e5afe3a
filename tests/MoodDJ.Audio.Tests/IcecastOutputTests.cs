using System.Diagnostics;
using System.Runtime.InteropServices;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Plugins.Icecast;
using MoodDJ.Testing;

namespace MoodDJ.Audio.Tests;

/// <summary>
/// The icecast output against a real Icecast 2: a tone pushed as Ogg/Opus (and MP3) is heard by an HTTP
/// listener (ffmpeg), and the push comes back by itself after Icecast restarts.
/// </summary>
public sealed class IcecastOutputTests
{
    private const double ToneHz = 440;

    [IcecastFact]
    public async Task A_tone_pushed_as_ogg_opus_is_heard_through_icecast_and_the_push_survives_a_restart()
    {
        await using var icecast = await IcecastServer.StartAsync();
        var settings = new IcecastSettings { Url = $"icecast://127.0.0.1:{icecast.Port}/mooddj.opus", Password = IcecastServer.Password, ReconnectDelayMs = 300 };
        settings.Validate("plugins:settings:icecast");
        await using var playback = (IcecastPlayback)await new IcecastAudioOutput(settings).OpenAsync(AudioFormat.OpusStereo);
        using var stop = new CancellationTokenSource();
        Task feeding = FeedToneAsync(playback, stop.Token);
        try
        {
            await AssertToneHeardAsync(icecast, "mooddj.opus");

            await icecast.StopProcessAsync();
            await icecast.StartProcessAsync();
            await AssertToneHeardAsync(icecast, "mooddj.opus");
            Assert.True(playback.Connections >= 2, $"ffmpeg was started {playback.Connections} time(s)");
        }
        finally
        {
            stop.Cancel();
            await feeding;
        }
    }

    [IcecastFact]
    public async Task A_tone_pushed_as_mp3_is_heard_through_icecast()
    {
        await using var icecast = await IcecastServer.StartAsync();
        var settings = new IcecastSettings { Url = $"icecast://127.0.0.1:{icecast.Port}/mooddj.mp3", Password = IcecastServer.Password, Format = "mp3" };
        await using var playback = await new IcecastAudioOutput(settings).OpenAsync(new AudioFormat(44100, 1));
        using var stop = new CancellationTokenSource();
        Task feeding = FeedToneAsync(playback, stop.Token);
        try { await AssertToneHeardAsync(icecast, "mooddj.mp3"); }
        finally
        {
            stop.Cancel();
            await feeding;
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:8000/x", "hackme", "opus", "url")]
    [InlineData("icecast://source:pw@127.0.0.1:8000/x", "hackme", "opus", "url")]
    [InlineData("icecast://127.0.0.1:8000/x", "hackme", "flac", "format")]
    public void Bad_settings_name_the_key(string url, string password, string format, string key)
    {
        var settings = new IcecastSettings { Url = url, Password = password, Format = format };
        var error = Assert.ThrowsAny<ArgumentException>(() => settings.Validate("plugins:settings:icecast"));
        Assert.Contains($"plugins:settings:icecast:{key}", error.Message);
    }

    [Fact]
    public async Task Opening_without_the_source_password_says_which_key_to_set()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await new IcecastAudioOutput(new IcecastSettings()).OpenAsync(AudioFormat.OpusStereo));
        Assert.Contains("plugins:settings:icecast:password", error.Message);
    }

    [Fact]
    public async Task A_failed_push_is_logged_without_the_source_password()
    {
        // A port nothing listens on: ffmpeg fails with the URL it was given, password included.
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var logger = new WarningList();
        var settings = new IcecastSettings { Url = $"icecast://127.0.0.1:{port}/mooddj.opus", Password = "s3cret pw!", ReconnectDelayMs = 200 };
        await using (var playback = await new IcecastAudioOutput(settings, logger).OpenAsync(AudioFormat.OpusStereo))
        {
            using var feeding = new CancellationTokenSource();
            var feed = FeedToneAsync(playback, feeding.Token);
            var deadline = Stopwatch.StartNew();
            while (logger.Messages.IsEmpty && deadline.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(50);
            await feeding.CancelAsync();
            await feed;
        }
        Assert.NotEmpty(logger.Messages);
        Assert.All(logger.Messages, m => Assert.DoesNotContain("s3cret", m));
        Assert.All(logger.Messages, m => Assert.DoesNotContain(Uri.EscapeDataString("s3cret pw!"), m));
    }

    private sealed class WarningList : Microsoft.Extensions.Logging.ILogger
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Messages { get; } = new();
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;
        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state,
            Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= Microsoft.Extensions.Logging.LogLevel.Warning) Messages.Enqueue(formatter(state, exception));
        }
    }

    /// <summary>Writes a 440 Hz tone in 20 ms chunks, paced like a player.</summary>
    private static async Task FeedToneAsync(IAudioPlayback playback, CancellationToken cancellationToken)
    {
        AudioFormat format = playback.Format;
        int frames = format.SampleRate / 50;
        float[] chunk = new float[frames * format.Channels];
        long written = 0;
        var clock = Stopwatch.StartNew();
        while (!cancellationToken.IsCancellationRequested)
        {
            for (int i = 0; i < frames; i++)
            {
                float value = 0.5f * MathF.Sin((float)(2 * Math.PI * ToneHz * (written + i) / format.SampleRate));
                for (int c = 0; c < format.Channels; c++) chunk[i * format.Channels + c] = value;
            }
            await playback.WriteAsync(chunk, CancellationToken.None);
            written += frames;
            TimeSpan ahead = TimeSpan.FromSeconds((double)written / format.SampleRate) - clock.Elapsed;
            if (ahead > TimeSpan.Zero)
            {
                try { await Task.Delay(ahead, cancellationToken); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>Listens over HTTP with ffmpeg (retrying while the mount comes up) and checks the tone is there.</summary>
    private static async Task AssertToneHeardAsync(IcecastServer icecast, string mount)
    {
        string last = "";
        for (int attempt = 0; attempt < 20; attempt++)
        {
            var info = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string arg in (string[])["-hide_banner", "-loglevel", "error", "-i", $"http://127.0.0.1:{icecast.Port}/{mount}",
                         "-t", "1.5", "-f", "f32le", "-ac", "1", "-ar", "48000", "pipe:1"]) info.ArgumentList.Add(arg);
            using var ffmpeg = Process.Start(info)!;
            var output = new MemoryStream();
            Task<string> errors = ffmpeg.StandardError.ReadToEndAsync();
            await ffmpeg.StandardOutput.BaseStream.CopyToAsync(output);
            await ffmpeg.WaitForExitAsync();
            last = await errors;
            float[] samples = MemoryMarshal.Cast<byte, float>(output.ToArray().AsSpan()).ToArray();
            if (samples.Length >= 48000)
            {
                float[] tail = samples[^24000..];
                Assert.True(LevelMeter.ToDbfs(LevelMeter.Rms(tail)) > -20, $"the stream is nearly silent ({LevelMeter.ToDbfs(LevelMeter.Rms(tail)):0.0} dBFS)");
                int crossings = 0;
                for (int i = 1; i < tail.Length; i++) if (tail[i - 1] < 0 && tail[i] >= 0) crossings++;
                double hz = crossings / (tail.Length / 48000.0);
                Assert.InRange(hz, ToneHz - 10, ToneHz + 10);
                return;
            }
            await Task.Delay(250);
        }
        throw new Xunit.Sdk.XunitException($"no audio from http://127.0.0.1:{icecast.Port}/{mount}: {last}\n{icecast.Log()}");
    }
}

/// <summary>Skips, with the reason, where icecast2 cannot run.</summary>
public sealed class IcecastFactAttribute : FactAttribute
{
    public IcecastFactAttribute()
    {
        if (IcecastServer.Unavailable() is { } reason) Skip = reason;
    }
}
