using System.Net;
using System.Text.Json;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Music;
using MoodDJ.Protocol;
using MoodDJ.Station;
using MoodDJ.Client;
using MoodDJ.Protocol.Messages;
using MoodDJ.Testing;
using MoodDJ.Station.Tests.Station.Support;

namespace MoodDJ.Station.Tests.Station;

/// <summary>Prompt to sound: the station, a player and the audio it plays, over real sockets.</summary>
public sealed class StationPlaybackTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static StationPlayer.SubscribeAsync Via(StationTestClient client, Func<int, int>? portFor = null) =>
        async (port, ct) =>
        {
            var reply = await client.CallAsync(StationMethods.Subscribe, new SubscribeParams(portFor?.Invoke(port) ?? port));
            return reply.Deserialize<SubscribeResult>(JsonRpcWriter.SerializerOptions)!;
        };

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Timed out waiting until " + what);
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_prompt_sends_now_playing_to_every_client_and_music_to_the_player()
    {
        await using var harness = await StationHarness.StartAsync("none");
        // The prompter speaks through the typed client; the watcher sees the raw wire.
        await using var client = await harness.ConnectControlClientAsync("prompter");
        await using var watcher = await StationTestClient.ConnectAsync(harness);
        await watcher.CallAsync(StationMethods.Hello, new HelloParams("watcher"));

        var capture = new CapturePlayback(AudioFormat.SeedMono, 44100 * 60);
        var player = new StationPlayer(harness.Engine.StreamTransport, harness.Engine.Codec, capture, IPAddress.Loopback,
            (port, ct) => client.SubscribeAsync(port, ct));
        using var stop = new CancellationTokenSource();
        var playing = player.RunAsync(stop.Token);
        await player.FirstSamplePlayed.WaitAsync(Patience);
        Assert.True(capture.FirstNonSilentTimestamp < 0, "before any prompt the station plays silence");

        var reply = await client.PromptAsync("I feel so happy today!");
        Assert.Equal("happy", reply.Mood.Label);
        var now = await watcher.NextEventAsync(StationMethods.NowPlaying, e => e.TryGetProperty("track", out var t) && t.ValueKind == JsonValueKind.Object);
        Assert.Equal("generator", now.GetProperty("track").GetProperty("source").GetString());

        await WaitUntilAsync(() => capture.FirstNonSilentTimestamp > 0, "the player plays music");
        var status = await client.StatusAsync();
        Assert.Equal("playing", status.State);
        Assert.Equal(1, status.Listeners);
        await WaitUntilAsync(() => player.Stats.SenderReports > 0, "an RTCP sender report arrived");

        var list = await client.ListAsync();
        Assert.Equal(now.GetProperty("track").GetProperty("id").GetString(), list.NowPlaying?.Id);

        var pausedEvent = new TaskCompletionSource<NowPlayingEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.NowPlayingChanged += e => { if (e.Paused) pausedEvent.TrySetResult(e); };
        Assert.True((await client.PauseAsync()).Paused);
        var paused = await watcher.NextEventAsync(StationMethods.NowPlaying, e => e.GetProperty("paused").GetBoolean());
        Assert.True(paused.GetProperty("paused").GetBoolean());
        Assert.True((await pausedEvent.Task.WaitAsync(Patience)).Paused, "the typed nowPlaying event");
        Assert.False((await client.ResumeAsync()).Paused);
        stop.Cancel();
        await playing;
        Assert.Equal(0, player.Stats.Unauthenticated);
    }

    [Fact]
    public async Task A_player_behind_a_lossy_jittery_network_plays_the_whole_track_as_the_generator_made_it_and_reports_its_loss()
    {
        // L16 (lossless): every frame played must be exactly the generator's.
        await using var harness = await StationHarness.StartAsync("aead", s => { s["plugins:settings:generator:durationSeconds"] = "4"; s["use:codec"] = "pcm"; });
        await using var client = await StationTestClient.ConnectAsync(harness);
        await client.CallAsync(StationMethods.Hello, new HelloParams("listener"));

        var capture = new CapturePlayback(AudioFormat.SeedMono, 44100 * 120);
        ImpairmentProxy? proxy = null;
        var player = new StationPlayer(harness.Engine.StreamTransport, harness.Engine.Codec, capture, IPAddress.Loopback,
            Via(client, port =>
            {
                proxy ??= ImpairmentProxy.Start(new IPEndPoint(IPAddress.Loopback, port), new ImpairmentOptions
                {
                    LossPercent = 3,
                    Delay = TimeSpan.FromMilliseconds(20),
                    Jitter = TimeSpan.FromMilliseconds(8),
                    ReorderPercent = 3,
                    DuplicatePercent = 3,
                    Seed = 11,
                });
                return proxy.EndPoint.Port;
            }),
            // Unsynchronized: synchronized play-out resamples (a fractional start, the clock's rate), so its
            // samples are interpolated, never bit-exact; this test checks what the wire delivered, sample for sample.
            new StationPlayerOptions { JitterDepth = TimeSpan.FromMilliseconds(100), Synchronized = false });
        using var stop = new CancellationTokenSource();
        var playing = player.RunAsync(stop.Token);
        await player.FirstSamplePlayed.WaitAsync(Patience);

        await client.CallAsync(StationMethods.Prompt, new PromptParams("I feel calm and relaxed"));
        var started = await client.NextEventAsync(StationMethods.NowPlaying, e => e.TryGetProperty("track", out var t) && t.ValueKind == JsonValueKind.Object);
        var trackId = started.GetProperty("track").GetProperty("id").GetString()!;
        // The track is over when the station moves on to the next one (or plays silence).
        await client.NextEventAsync(StationMethods.NowPlaying, e => !e.TryGetProperty("track", out var t) || t.GetProperty("id").GetString() != trackId);
        await Task.Delay(1000);   // the jitter buffer and the proxy still hold the end
        stop.Cancel();
        await playing;
        await using var _ = proxy!;

        // The reference: the same track rendered straight from the generator plugin.
        var source = harness.Engine.MusicSources[0];
        var track = new TrackInfo { Source = "generator", Id = trackId, Title = "" };
        var reference = new List<float>();
        await using (var stream = await source.OpenAsync(track, AudioFormat.SeedMono))
        {
            var buffer = new float[4410];
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0)
                reference.AddRange(buffer.AsSpan(0, n));
        }
        Assert.InRange(reference.Count, 44100 * 3, 44100 * 5);

        var played = capture.Samples.ToArray();
        var ratio = AudioCompare.MatchingBlocks(reference.ToArray(), played, blockSamples: 441, out var offset);
        if (offset < 0)
        {
            var anchor = Array.FindIndex(reference.ToArray(), v => Math.Abs(v) > 0.05f);
            var firstPlayed = Array.FindIndex(played, v => Math.Abs(v) > 0.05f);
            var info = $"ref[{anchor}..]={string.Join(",", reference.Skip(anchor).Take(6).Select(v => v.ToString("0.0000")))} played[{firstPlayed}..]={string.Join(",", played.Skip(firstPlayed).Take(6).Select(v => v.ToString("0.0000")))} refLen={reference.Count} playedLen={played.Length}";
            Assert.Fail(info);
        }
        // 3 % loss (plus late packets) is concealed; everything else must be sample-exact (L16 quantization only).
        Assert.True(ratio >= 0.85, $"only {ratio:P1} of the track's 10 ms blocks came out as the generator made them; player {player.Stats}");

        var stats = player.Stats;
        var impairment = proxy!.Stats;
        Assert.True(impairment.Dropped > 0 && impairment.Duplicated > 0);
        Assert.True(stats.Lost > 0, "the player reports the loss it saw: " + stats);
        Assert.True(stats.Lost <= impairment.Dropped, $"lost {stats.Lost} > dropped {impairment.Dropped}");
        // With SRTP on, a duplicate is a replay: the SRTP replay window rejects it before the jitter buffer.
        Assert.True(stats.Duplicates + stats.Unauthenticated > 0, "duplicates were noticed: " + stats);
        Assert.True(stats.Unauthenticated <= impairment.Duplicated, $"{stats.Unauthenticated} packets failed SRTP, more than the {impairment.Duplicated} duplicates");
    }
}

/// <summary>A station that restarts: the control client reconnects by itself, replays its prompt, and the player re-subscribes on the same port.</summary>
public sealed class StationRestartTests
{
    [Fact]
    public async Task After_a_server_restart_the_client_and_the_player_come_back_and_the_music_resumes()
    {
        var first = await StationHarness.StartAsync("aead");
        var settings = new Dictionary<string, string?>(first.Settings)
        {
            ["station:controlPort"] = ((IPEndPoint)first.Station.ControlEndPoint).Port.ToString(),
            ["station:streamPort"] = first.Station.StreamEndPoint.Port.ToString(),
            ["station:heartbeatPort"] = first.Station.HeartbeatEndPoint.Port.ToString(),
        };
        await using var client = new MoodDJ.Client.StationControlClient(first.Engine.ControlTransport, first.Engine.Crypto,
            new MoodDJ.Client.StationClientOptions
            {
                EndPoint = first.Station.ControlEndPoint,
                ClientName = "restart test",
                ReconnectInitialDelay = TimeSpan.FromMilliseconds(100),
                ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
            });
        await client.ConnectAsync();
        var capture = new CapturePlayback(AudioFormat.SeedMono, 44100 * 120);
        var player = new StationPlayer(first.Engine.StreamTransport, first.Engine.Codec, capture, IPAddress.Loopback,
            (port, ct) => client.SubscribeAsync(port, ct),
            new StationPlayerOptions { RetryDelay = TimeSpan.FromMilliseconds(100) });
        using var stop = new CancellationTokenSource();
        var playing = player.RunAsync(stop.Token);

        await client.PromptAsync("I feel energetic");   // remembered, so it is replayed after the restart
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (capture.FirstNonSilentTimestamp < 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(capture.FirstNonSilentTimestamp > 0, "music before the restart");

        await first.DisposeAsync();
        var before = capture.Count;
        await using var second = await StationHarness.StartAsync("aead", s =>
        {
            foreach (var kv in settings) s[kv.Key] = kv.Value;
        });

        // The player subscribes again by itself and hears music again (the client replayed its prompt).
        deadline = DateTime.UtcNow.AddSeconds(40);
        while ((player.Subscriptions < 2 || second.Station.Counters.PacketsSent == 0 || !LoudAfter(capture, before)) && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.True(player.Subscriptions >= 2, $"the player subscribed {player.Subscriptions} time(s)");
        Assert.True(client.Connection.Reconnects >= 1);
        Assert.Equal(1, second.Station.Listeners.Count);
        Assert.True(LoudAfter(capture, before), "music after the restart");
        stop.Cancel();
        await playing;
    }

    private static bool LoudAfter(CapturePlayback capture, int from)
    {
        var samples = capture.Samples;
        var loud = 0;
        for (var i = from; i < samples.Length; i++)
            if (Math.Abs(samples[i]) > 0.02f && ++loud > 4410) return true;
        return false;
    }
}
