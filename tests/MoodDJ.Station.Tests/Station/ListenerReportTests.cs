using System.Net;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Client;
using MoodDJ.Protocol.Messages;
using MoodDJ.Station.Tests.Station.Support;

namespace MoodDJ.Station.Tests.Station;

/// <summary>Players tell the station how they receive, so a server can show each listener's loss and buffer.</summary>
public sealed class ListenerReportTests
{
    [Fact(Timeout = 60_000)]
    public async Task A_playing_listener_reports_its_reception_and_the_station_keeps_it()
    {
        await using var harness = await StationHarness.StartAsync("aead");
        await using var client = await harness.ConnectControlClientAsync("kitchen");
        var capture = new CapturePlayback(AudioFormat.SeedMono, 44100 * 30);
        var player = new StationPlayer(harness.Engine.StreamTransport, harness.Engine.Codec, capture, IPAddress.Loopback,
            (port, ct) => client.SubscribeAsync(port, ct), new StationPlayerOptions { ReportInterval = TimeSpan.FromMilliseconds(200) })
        {
            Report = (report, ct) => client.ReportAsync(report, ct),
        };
        using var stop = new CancellationTokenSource();
        var playing = player.RunAsync(stop.Token);
        await client.PromptAsync("I feel calm");

        var deadline = DateTime.UtcNow.AddSeconds(30);
        ListenerReport? report = null;
        while ((report = harness.Station.Listeners.Snapshot.FirstOrDefault()?.Report) is not { Received: > 20 } && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.NotNull(report);
        Assert.True(report!.Received > 20, $"received {report.Received}");
        Assert.InRange(report.LossPercent, 0, 100);
        Assert.True(report.TargetMs > 0);
        Assert.Contains("buffer", report.ToString());

        // A token that is not this session's listener is not recorded, and says so.
        Assert.False((await client.ReportAsync(new ReportParams("00000000000000000000000000000000", 1, 0, 0, 0, 0))).Known);
        stop.Cancel();
        await playing;
    }
}
