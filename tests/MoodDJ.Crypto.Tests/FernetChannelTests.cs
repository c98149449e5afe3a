using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using MoodDJ.Abstractions.Crypto;
using MoodDJ.Plugins.FernetCrypto;

namespace MoodDJ.Crypto.Tests;

public class FernetChannelTests
{
    private static FernetCryptoProvider Provider(byte[] key, TimeSpan? ttl = null, TimeProvider? clock = null, TimeSpan? timeout = null) =>
        new(new FernetOptions(key, ttl, timeout, clock));

    /// <summary>A clock tests move by hand.</summary>
    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task Handshake_succeeds_and_frames_flow_both_ways()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var (client, server) = await Handshakes.ConnectAsync(Provider(key), Provider(key));
        for (var i = 0; i < 3; i++)
        {
            var message = Encoding.UTF8.GetBytes($"message {i} " + new string('m', i * 100));
            var sealedFrame = client.Seal(message);
            Assert.True(sealedFrame.Length <= message.Length + client.Overhead);
            var opened = server.Open(sealedFrame);
            Assert.True(opened.Ok, opened.Error);
            Assert.Equal(message, opened.Plaintext);
            Assert.True(client.Open(server.Seal(message)).Ok);
        }
        Assert.Equal(client.ExportKeyingMaterial("MoodDJ SRTP", 30), server.ExportKeyingMaterial("MoodDJ SRTP", 30));
    }

    [Fact]
    public async Task Wrong_key_fails_on_both_sides_with_a_clear_reason()
    {
        var (client, server) = await Handshakes.RunAsync(Provider(RandomNumberGenerator.GetBytes(32)), Provider(RandomNumberGenerator.GetBytes(32)));
        Assert.Contains("Wrong station key", (await Assert.ThrowsAsync<CryptoHandshakeException>(() => client)).Message);
        Assert.Contains("Wrong station key", (await Assert.ThrowsAsync<CryptoHandshakeException>(() => server)).Message);
    }

    [Fact]
    public async Task Replayed_reordered_reflected_and_tampered_frames_are_rejected()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var (client, server) = await Handshakes.ConnectAsync(Provider(key), Provider(key));
        var first = client.Seal("one"u8.ToArray());
        var second = client.Seal("two"u8.ToArray());

        Assert.Contains("out of order", server.Open(second).Error);
        Assert.True(server.Open(first).Ok);
        Assert.Contains("replayed", server.Open(first).Error);
        Assert.Contains("reflected", client.Open(first).Error);
        var tampered = (byte[])second.Clone();
        tampered[20] ^= 1;
        Assert.Contains("authentication", server.Open(tampered).Error);
        Assert.Contains("truncated", server.Open(second[..40]).Error);
        Assert.True(server.Open(second).Ok);
    }

    [Fact]
    public async Task Frames_older_than_the_ttl_are_rejected()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var (client, server) = await Handshakes.ConnectAsync(Provider(key, TimeSpan.FromSeconds(30), clock), Provider(key, TimeSpan.FromSeconds(30), clock));
        var frame = client.Seal("late"u8.ToArray());
        clock.Now += TimeSpan.FromSeconds(31);
        var result = server.Open(frame);
        Assert.False(result.Ok);
        Assert.Contains("expired", result.Error);
    }

    [Fact]
    public async Task A_silent_peer_times_out_and_garbage_is_refused_clearly()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var timeout = await Assert.ThrowsAsync<CryptoHandshakeException>(async () =>
            await Provider(key, timeout: TimeSpan.FromMilliseconds(200)).HandshakeAsync(new ScriptedHandshakeTransport(), HandshakeRole.Server));
        Assert.Contains("timed out", timeout.Message);

        var garbage = await Assert.ThrowsAsync<CryptoHandshakeException>(async () =>
            await Provider(key).HandshakeAsync(new ScriptedHandshakeTransport("GET / HTTP/1.1\r\n\r\n"u8.ToArray()), HandshakeRole.Server));
        Assert.Contains("not valid", garbage.Message);
    }

    [Fact]
    public void Settings_take_a_python_style_key_or_the_station_key()
    {
        var fernetKey = FernetToken.GenerateKey();
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["key"] = fernetKey, ["ttlSeconds"] = "120" }).Build();
        var options = FernetOptions.FromConfiguration(settings, null);
        Assert.Equal(FernetToken.ParseKey(fernetKey), options.Key);
        Assert.Equal(TimeSpan.FromSeconds(120), options.Ttl);

        var stationKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var host = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["station:key"] = stationKey }).Build();
        var fromStation = FernetOptions.FromConfiguration(new ConfigurationBuilder().Build(), host);
        Assert.Equal(Convert.FromBase64String(stationKey), fromStation.Key);
        Assert.Null(fromStation.Ttl);

        Assert.Contains("needs a key", Assert.Throws<InvalidOperationException>(() => FernetOptions.FromConfiguration(new ConfigurationBuilder().Build(), null)).Message);
        var bad = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["key"] = "c2hvcnQ=" }).Build();
        Assert.Contains("32 bytes", Assert.Throws<InvalidOperationException>(() => FernetOptions.FromConfiguration(bad, null)).Message);
    }
}
