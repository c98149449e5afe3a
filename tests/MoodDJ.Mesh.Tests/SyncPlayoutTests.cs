using System.Net;
using MoodDJ.Client;
using MoodDJ.Music;
using MoodDJ.Peers.Mesh;
using MoodDJ.Protocol.Messages;
using Xunit.Abstractions;

namespace MoodDJ.Mesh.Tests;

/// <summary>
/// Synchronized play-out on real sockets (127.0.0.1, aead, SRTP/SRTCP): players record what they
/// write with the time it is heard on one clock (this process's Stopwatch), and the same audio is
/// found in both recordings by cross-correlation (docs/protocol.md, "Synchronized play-out").
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class SyncPlayoutTests(ITestOutputHelper output)
{
    private const int Rate = 44100;

    [Fact]
    public async Task Two_players_play_within_a_tenth_of_a_millisecond_of_each_other()
    {
        using var clicks = new ClickTrack();
        await using var harness = await MeshHarness.StartAsync(maxDirectPeers: 0, Settings(clicks));
        var a = new PlayoutRecorder(Rate);
        var b = new PlayoutRecorder(Rate);
        await using var first = await PlainPlayer.StartAsync(harness, "kitchen", a);
        await using var second = await PlainPlayer.StartAsync(harness, "bedroom", b);
        await using var control = await harness.ConnectAsync("phone");
        await PromptAsync(control);
        var start = PlayoutRecorder.Now;
        await Task.Delay(TimeSpan.FromSeconds(2));
        var sampler = new ClockOffsetSampler(() => first.Player.Pipeline?.StationClock, () => second.Player.Pipeline?.StationClock);
        await Task.Delay(TimeSpan.FromSeconds(10));
        await sampler.DisposeAsync();

        var stats = first.Player.Stats;   // before the measuring, which starves the players still running
        var errors = SyncMeasure.Errors(a, b, start + 2, PlayoutRecorder.Now - 0.2);
        Report("two players", errors, stats, harness);
        output.WriteLine(sampler.Summary());
        foreach (var p in new[] { first.Player, second.Player })
            output.WriteLine($"clock offset {MoodDJ.Media.MediaClock.Seconds(p.Pipeline!.StationClock!.Offset) * 1e6:F1} µs, least delay {MoodDJ.Media.MediaClock.Seconds(p.Pipeline.StationClock.Delay) * 1e6:F1} µs, jitter {p.Pipeline.Jitter.TotalMilliseconds:F3} ms, sync {p.Pipeline.Sync}, delay {p.Pipeline.PlayoutDelay}");
        Assert.True(errors.Count >= 10, $"only {errors.Count} windows could be matched");
        Assert.True(SyncMeasure.Percentile(errors.Select(e => e.ErrorMs), 0.95) <= 0.1, "p95 sync error over 0.1 ms");
        Assert.True(harness.Station.PlayoutDelayMilliseconds <= 150, $"play-out delay {harness.Station.PlayoutDelayMilliseconds} ms");
        Assert.Equal(0, first.Player.Stats.Unauthenticated + second.Player.Stats.Unauthenticated);
    }

    [Fact]
    public async Task A_relay_child_plays_in_sync_with_its_parent()
    {
        using var clicks = new ClickTrack();
        await using var harness = await MeshHarness.StartAsync(maxDirectPeers: 1, Settings(clicks));
        var parentOut = new PlayoutRecorder(Rate);
        var childOut = new PlayoutRecorder(Rate);
        var jitter = TimeSpan.FromMilliseconds(60);
        var parent = await harness.AddPeerAsync(new MeshPeerOptions { MaxChildren = 2 }, jitter, parentOut.Record);
        await WaitAsync(() => parent.Relay.Stats.Direct, "the first peer is fed by the station");
        var child = await harness.AddPeerAsync(new MeshPeerOptions { MaxChildren = 2 }, jitter, childOut.Record);
        await WaitAsync(() => child.Relay.ParentIds.Length == 1 && child.Relay.ParentIds[0] == parent.Relay.PeerId, "the second peer hangs off the first");
        await using var control = await harness.ConnectAsync("phone");
        await PromptAsync(control);
        var start = PlayoutRecorder.Now;
        await Task.Delay(TimeSpan.FromSeconds(2));
        var sampler = new ClockOffsetSampler(() => parent.Player.Pipeline?.StationClock, () => child.Player.Pipeline?.StationClock);
        var (parentBefore, childBefore) = (parent.Player.Stats, child.Player.Stats);
        await Task.Delay(TimeSpan.FromSeconds(10));
        await sampler.DisposeAsync();

        var stats = child.Player.Stats;
        var parentStats = parent.Player.Stats;
        output.WriteLine($"while measured: parent late {parentStats.Late - parentBefore.Late}, concealed {parentStats.Concealed - parentBefore.Concealed}; " +
            $"child late {stats.Late - childBefore.Late}, concealed {stats.Concealed - childBefore.Concealed}");
        var end = PlayoutRecorder.Now - 0.2;
        var errors = SyncMeasure.Errors(parentOut, childOut, start + 2, end);
        Report("relay parent and child", errors, stats, harness);
        output.WriteLine(sampler.Summary());
        if (errors.Count < 10)
            for (var t = start + 2; t < end; t += 2)
                output.WriteLine($"at +{t - start:F0} s the best match within ±60 ms: {SyncMeasure.Coarse(parentOut, childOut, t)}");
        foreach (var p in new[] { parent.Player, child.Player })
            output.WriteLine($"clock offset {MoodDJ.Media.MediaClock.Seconds(p.Pipeline!.StationClock!.Offset) * 1e6:F1} µs, skew {p.Pipeline.StationClock.SkewPpm:F1} ppm, jitter {p.Pipeline.Jitter.TotalMilliseconds:F3} ms, sync {p.Pipeline.Sync}, delay {p.Pipeline.PlayoutDelay}, stats {p.Stats}");
        Assert.True(child.Relay.Stats.Hops >= 2, $"the child is {child.Relay.Stats.Hops} hops from the station");
        Assert.True(child.Player.Stats.SenderReports > 0, "the child got the station's sender reports through its parent");
        Assert.True(errors.Count >= 10, $"only {errors.Count} windows could be matched");
        Assert.True(SyncMeasure.Percentile(errors.Select(e => e.ErrorMs), 0.95) <= 0.1, "p95 sync error over 0.1 ms");
    }

    [Fact]
    public async Task A_late_joiner_is_in_sync_within_two_seconds()
    {
        using var clicks = new ClickTrack();
        await using var harness = await MeshHarness.StartAsync(maxDirectPeers: 0, Settings(clicks));
        var a = new PlayoutRecorder(Rate);
        var b = new PlayoutRecorder(Rate);
        await using var first = await PlainPlayer.StartAsync(harness, "kitchen", a);
        await using var control = await harness.ConnectAsync("phone");
        await PromptAsync(control);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var joined = PlayoutRecorder.Now;
        await using var late = await PlainPlayer.StartAsync(harness, "latecomer", b);
        await Task.Delay(TimeSpan.FromSeconds(10));   // enough clicks after the first 2 s to match at least ten windows

        var firstSound = await late.Player.FirstSamplePlayed.WaitAsync(TimeSpan.FromSeconds(1)).ContinueWith(_ => PlayoutRecorder.Now);
        var stats = late.Player.Stats;
        var errors = SyncMeasure.Errors(a, b, joined + 2, PlayoutRecorder.Now - 0.2);
        Report("late joiner from 2 s after joining", errors, stats, harness);
        Assert.True(errors.Count >= 10, $"only {errors.Count} windows could be matched");
        Assert.True(SyncMeasure.Percentile(errors.Select(e => e.ErrorMs), 0.95) <= 0.1, "p95 sync error over 0.1 ms from 2 s after joining");
        Assert.True(firstSound > 0);
    }

    [Fact]
    public async Task A_pause_is_heard_within_100_ms()
    {
        using var clicks = new ClickTrack();
        await using var harness = await MeshHarness.StartAsync(maxDirectPeers: 0, settings =>
        {
            // A 300 ms play-out delay: without the flush the queued clicks would go on for 300 ms after the pause.
            Settings(clicks)(settings);
            settings["station:playoutDelayMilliseconds"] = "300";
            settings["station:playoutDelayMinMilliseconds"] = "300";
            settings["station:playoutDelayMaxMilliseconds"] = "300";
        });
        var a = new PlayoutRecorder(Rate);
        await using var player = await PlainPlayer.StartAsync(harness, "kitchen", a);
        await using var control = await harness.ConnectAsync("phone");
        await PromptAsync(control);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var (before, _) = a.Snapshot();
        Assert.Contains(before[^8820..], s => Math.Abs(s) > 0.01f);   // 200 ms: clicks come at most 160 ms apart

        var asked = PlayoutRecorder.Now;
        await control.PauseAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var (samples, times) = a.Snapshot();
        // Clicks come every 80–160 ms until the pause: the last one heard after the request says when it took effect.
        var from = Array.FindIndex(times, t => t >= asked);
        Assert.True(from >= 0 && times[^1] - asked > 0.8, "a second of output after the request was recorded");
        var lastLoud = asked;
        for (var i = from; i < samples.Length; i++)
            if (Math.Abs(samples[i]) > 1e-3f) lastLoud = times[i];
        var heardMs = (lastLoud - asked) * 1000;
        output.WriteLine($"pause heard after {heardMs:F1} ms (play-out delay {harness.Station.PlayoutDelayMilliseconds} ms, flushes {player.Player.Pipeline?.Flushes})");
        Assert.True(heardMs <= 100, $"the pause was heard {heardMs:F1} ms after it was asked");
        Assert.True(player.Player.Pipeline?.Flushes > 0, "the station's flush arrived");
    }

    [Fact]
    public async Task A_natural_track_change_is_not_flushed()
    {
        // 4 s tracks: the first ends by itself during the run and the next one follows without a flush,
        // so a synchronized player keeps what it queued (a flush would drop a play-out delay of music).
        using var clicks = new ClickTrack(seconds: 4, files: 3);
        await using var harness = await MeshHarness.StartAsync(maxDirectPeers: 0, Settings(clicks));
        var changes = new List<TrackEndReason?>();
        harness.Station.Parts.Director.TrackChanged += (_, e) => { lock (changes) changes.Add(e.PreviousEnded); };
        var a = new PlayoutRecorder(Rate);
        await using var player = await PlainPlayer.StartAsync(harness, "kitchen", a);
        await using var control = await harness.ConnectAsync("phone");
        await PromptAsync(control);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            lock (changes) if (changes.Contains(TrackEndReason.Ended)) break;
            await Task.Delay(100);
        }
        await Task.Delay(500);
        lock (changes) output.WriteLine($"track changes: {string.Join(", ", changes)}; flushes {player.Player.Pipeline?.Flushes}; {player.Player.Stats}");
        lock (changes) Assert.Contains(TrackEndReason.Ended, changes);
        Assert.Equal(0, player.Player.Pipeline?.Flushes);
    }

    private void Report(string what, List<(double At, double ErrorMs)> errors, PlayerStats stats, MeshHarness harness)
    {
        var values = errors.Select(e => e.ErrorMs).ToArray();
        output.WriteLine(string.Join(" ", errors.Select(e => $"{e.At % 100:F1}:{e.ErrorMs:F3}")));
        output.WriteLine($"windows skipped (outside, quiet, weak, edge): {SyncMeasure.LastSkipped}");
        output.WriteLine($"{what}: {values.Length} windows, p50 {SyncMeasure.Percentile(values, 0.5):F4} ms, p95 {SyncMeasure.Percentile(values, 0.95):F4} ms, " +
            $"max {SyncMeasure.Percentile(values, 1):F4} ms, mean {(values.Length > 0 ? values.Average() : double.NaN):F4} ms; " +
            $"play-out delay {harness.Station.PlayoutDelayMilliseconds} ms; player: {stats}");
        var c = harness.Station.Counters;
        output.WriteLine($"station: frames {c.Frames}, late wakes {c.LateWakes}, resyncs {c.Resyncs} ({c.DroppedMilliseconds} ms dropped), program reads late {c.ProgramLate}; load average {LoadAverage()}");
    }

    private static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "?"; }
        catch (UnauthorizedAccessException) { return "?"; }
    }

    /// <summary>The click track, and a play-out delay that may adapt but never beyond 150 ms (the figure the sync must hold at).</summary>
    private static Action<Dictionary<string, string?>> Settings(ClickTrack clicks) => settings =>
    {
        clicks.Configure(settings);
        settings["station:playoutDelayMaxMilliseconds"] = "150";
    };

    /// <summary>Prompts until the station plays (the local source may still be indexing the click track).</summary>
    private static async Task PromptAsync(StationControlClient control)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await control.PromptAsync("I feel happy and full of energy");
                return;
            }
            catch (MoodDJ.Protocol.JsonRpcException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting until {what}.");
            await Task.Delay(20);
        }
    }

    /// <summary>A plain `mooddj player` (own SRTP key, heartbeats, reports) whose output is recorded.</summary>
    private sealed class PlainPlayer : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private StationControlClient _control = null!;
        private Task _running = Task.CompletedTask;

        public StationPlayer Player { get; private set; } = null!;

        public static async Task<PlainPlayer> StartAsync(MeshHarness harness, string name, PlayoutRecorder recorder)
        {
            var p = new PlainPlayer { _control = await harness.ConnectAsync(name) };
            var control = p._control;
            p.Player = new StationPlayer(harness.Engine.StreamTransport, harness.Engine.Codec, new CountingOutput(), IPAddress.Loopback,
                (port, ct) => control.SubscribeAsync(new SubscribeParams(port, Name: name), ct),
                new StationPlayerOptions { ReportInterval = TimeSpan.FromSeconds(1), OnPlayout = recorder.Record, Synchronized = true })
            {
                Report = (report, ct) => control.ReportAsync(report, ct),
            };
            p._running = p.Player.RunAsync(p._stop.Token);
            return p;
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            try { await _running; } catch (OperationCanceledException) { }
            await _control.DisposeAsync();
        }
    }
}
