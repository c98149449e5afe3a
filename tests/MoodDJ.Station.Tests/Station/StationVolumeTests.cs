using System.Net;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Client;
using MoodDJ.Protocol;
using MoodDJ.Station.Tests.Station.Support;

namespace MoodDJ.Station.Tests.Station;

/// <summary>Per-listener volume and mute, set from any client and applied by that listener's own player.</summary>
public sealed class StationVolumeTests
{
    [Fact]
    public async Task Muting_one_listener_by_name_silences_only_its_player()
    {
        await using var harness = await StationHarness.StartAsync("aead");
        await using var kitchenClient = await harness.ConnectControlClientAsync("kitchen");
        await using var bedroomClient = await harness.ConnectControlClientAsync("bedroom");
        await using var controller = await harness.ConnectControlClientAsync("phone");
        var joined = new System.Collections.Concurrent.ConcurrentQueue<MoodDJ.Protocol.Messages.ListenerEvent>();
        var left = new System.Collections.Concurrent.ConcurrentQueue<MoodDJ.Protocol.Messages.ListenerEvent>();
        controller.ListenerJoined += joined.Enqueue;
        controller.ListenerLeft += left.Enqueue;
        var (kitchen, kitchenSound) = Player(harness, kitchenClient);
        var (bedroom, bedroomSound) = Player(harness, bedroomClient);
        using var stop = new CancellationTokenSource();
        var playing = Task.WhenAll(kitchen.RunAsync(stop.Token), bedroom.RunAsync(stop.Token));

        await controller.PromptAsync("I feel happy and full of energy");
        await WaitAsync(() => kitchenSound.FirstNonSilentTimestamp > 0 && bedroomSound.FirstNonSilentTimestamp > 0, "both players hear music");

        var set = await controller.SetVolumeAsync("kitchen", 30, muted: true);
        Assert.Equal(1, set.Listeners);
        await WaitAsync(() => kitchen.Muted, "the kitchen player got its volume");
        Assert.Equal(30, kitchen.Volume);
        Assert.Equal(100, bedroom.Volume);
        Assert.False(bedroom.Muted);

        // One frame may already have been on its way to the output; everything after it is silent.
        var kitchenFrom = kitchenSound.Count + 441 * 2;
        var bedroomFrom = bedroomSound.Count;
        await WaitAsync(() => kitchenSound.Count > kitchenFrom + 44100 / 2 && bedroomSound.Count > bedroomFrom + 44100 / 2, "half a second more audio");
        Assert.Equal(0f, Peak(kitchenSound, kitchenFrom));
        Assert.True(Peak(bedroomSound, bedroomFrom) > 0.05f, "the bedroom still plays");

        var unknown = await Assert.ThrowsAsync<JsonRpcException>(() => controller.SetVolumeAsync("garage", 50));
        Assert.Equal(JsonRpcErrorCodes.NotFound, unknown.Code);
        Assert.Contains("kitchen", unknown.Message);
        var bad = await Assert.ThrowsAsync<JsonRpcException>(() => controller.SetVolumeAsync("kitchen", 150));
        Assert.Contains("'volume'", bad.Message);
        stop.Cancel();
        await playing;

        // A server console sees who joined and left, with their addresses.
        Assert.Equal(["bedroom", "kitchen"], joined.Select(e => e.Name).Order());
        Assert.All(joined, e => Assert.StartsWith("127.0.0.1:", e.Address));
        await WaitAsync(() => left.Count == 2, "both players said they left");
        Assert.All(left, e => Assert.Equal("left", e.Reason));
        Assert.Equal(0, left.Min(e => e.Count));
    }

    private static (StationPlayer, CapturePlayback) Player(StationHarness harness, StationControlClient client)
    {
        var capture = new CapturePlayback(AudioFormat.SeedMono, 44100 * 60);
        var player = new StationPlayer(harness.Engine.StreamTransport, harness.Engine.Codec, capture, IPAddress.Loopback,
            (port, ct) => client.SubscribeAsync(port, ct));
        client.VolumeChanged += e => player.Apply(e);
        return (player, capture);
    }

    private static float Peak(CapturePlayback capture, int from)
    {
        var peak = 0f;
        foreach (var s in capture.Samples[from..]) peak = Math.Max(peak, Math.Abs(s));
        return peak;
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Waited 30 s for: {what}.");
            await Task.Delay(20);
        }
    }
}
