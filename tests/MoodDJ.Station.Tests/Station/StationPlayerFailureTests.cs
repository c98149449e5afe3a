using System.Net;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Client;
using MoodDJ.Station.Tests.Station.Support;

namespace MoodDJ.Station.Tests.Station;

/// <summary>A player whose sound card goes away leaves the station at once: no ghost listener until expiry.</summary>
public sealed class StationPlayerFailureTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_player_whose_output_fails_leaves_the_station_and_says_why(bool withUnsubscribe)
    {
        // A long expiry, so only the player's own leave can remove the listener within the test's wait.
        await using var harness = await StationHarness.StartAsync("aead", s => s["station:listenerExpirySeconds"] = "60");
        await using var client = await harness.ConnectControlClientAsync("failing player");
        var output = new FailingOutput(failAfterWrites: 50);
        var player = new StationPlayer(harness.Engine.StreamTransport, harness.Engine.Codec, output, IPAddress.Loopback,
            (port, ct) => client.SubscribeAsync(port, ct))
        {
            Unsubscribe = withUnsubscribe ? (token, ct) => client.UnsubscribeAsync(token, ct) : null,
        };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var running = player.RunAsync(stop.Token);

        var error = await Assert.ThrowsAsync<AudioOutputFailedException>(() => running);
        Assert.Contains("the sound card went away", error.Message);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (harness.Station.Listeners.Count > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.Equal(0, harness.Station.Listeners.Count);
        Assert.Equal(1, player.Subscriptions);
        Assert.Equal(0, harness.Station.Listeners.ExpiredCount);
    }

    [Fact]
    public async Task A_player_whose_output_cannot_open_leaves_the_station_and_says_why()
    {
        await using var harness = await StationHarness.StartAsync("aead", s => s["station:listenerExpirySeconds"] = "60");
        await using var client = await harness.ConnectControlClientAsync("player without a sound card");
        var player = new StationPlayer(harness.Engine.StreamTransport, harness.Engine.Codec, new UnopenableOutput(), IPAddress.Loopback,
            (port, ct) => client.SubscribeAsync(port, ct))
        {
            Unsubscribe = (token, ct) => client.UnsubscribeAsync(token, ct),
        };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<AudioOutputFailedException>(() => player.RunAsync(stop.Token));
        Assert.Contains("ALSA device 'gone' not found", error.Message);
        Assert.Equal(0, harness.Station.Listeners.Count);
        Assert.Equal(1, player.Subscriptions);
    }

    private sealed class UnopenableOutput : IAudioOutput
    {
        public ValueTask<IAudioPlayback> OpenAsync(AudioFormat format, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("ALSA device 'gone' not found (-2)");
    }

    private sealed class FailingOutput(int failAfterWrites) : IAudioOutput, IAudioPlayback
    {
        private int _writes;

        public AudioFormat Format { get; private set; } = AudioFormat.SeedMono;

        public ValueTask<IAudioPlayback> OpenAsync(AudioFormat format, CancellationToken cancellationToken = default)
        {
            Format = format;
            return ValueTask.FromResult<IAudioPlayback>(this);
        }

        public ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken = default) =>
            ++_writes > failAfterWrites ? throw new IOException("the sound card went away") : ValueTask.CompletedTask;

        public ValueTask DrainAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
