using MoodDJ.Abstractions.Settings;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using MoodDJ.Abstractions.Crypto;
using MoodDJ.Plugins.AeadCrypto;

namespace MoodDJ.Crypto.Tests;

public class AeadCryptoTests
{
    private static AeadCryptoProvider Provider(byte[] key, TimeSpan? timeout = null) => new(new AeadOptions(key, timeout));

    private static byte[] NewKey() => RandomNumberGenerator.GetBytes(32);

    [Fact]
    public async Task Handshake_succeeds_and_frames_flow_both_ways()
    {
        var key = NewKey();
        var (client, server) = await Handshakes.ConnectAsync(Provider(key), Provider(key));

        Assert.True(client.IsEncrypted);
        for (var i = 0; i < 5; i++)
        {
            var up = Encoding.UTF8.GetBytes($"{{\"jsonrpc\":\"2.0\",\"id\":{i},\"method\":\"ping\"}}");
            var sealedUp = client.Seal(up);
            Assert.Equal(up.Length + client.Overhead, sealedUp.Length);
            Assert.DoesNotContain("ping", Encoding.UTF8.GetString(sealedUp));
            var opened = server.Open(sealedUp);
            Assert.True(opened.Ok, opened.Error);
            Assert.Equal(up, opened.Plaintext);

            var down = Encoding.UTF8.GetBytes($"pong {i}");
            var openedDown = client.Open(server.Seal(down));
            Assert.True(openedDown.Ok, openedDown.Error);
            Assert.Equal(down, openedDown.Plaintext);
        }
        Assert.True(server.Open(client.Seal([])).Ok);
    }

    [Fact]
    public async Task Wrong_station_key_fails_on_both_sides_with_a_clear_reason()
    {
        var (client, server) = await Handshakes.RunAsync(Provider(NewKey()), Provider(NewKey()));

        var clientError = await Assert.ThrowsAsync<CryptoHandshakeException>(() => client);
        var serverError = await Assert.ThrowsAsync<CryptoHandshakeException>(() => server);
        Assert.Contains("Wrong station key", clientError.Message);
        Assert.Contains("server's key confirmation", clientError.Message);
        Assert.Contains("Wrong station key", serverError.Message);
        Assert.Contains("client's key confirmation", serverError.Message);
    }

    [Fact]
    public async Task A_man_in_the_middle_without_the_station_key_cannot_complete_either_handshake()
    {
        // The attacker terminates the client's handshake as a server and opens its own to the real
        // server; it knows everything except the station key.
        var key = NewKey();
        var attackerKey = NewKey();
        var (client, server) = await Handshakes.RunAsync(Provider(key), Provider(attackerKey));
        var (attackerClient, realServer) = await Handshakes.RunAsync(Provider(attackerKey), Provider(key));

        await Assert.ThrowsAsync<CryptoHandshakeException>(() => client);
        await Assert.ThrowsAsync<CryptoHandshakeException>(() => realServer);
        await Assert.ThrowsAsync<CryptoHandshakeException>(() => server);
        await Assert.ThrowsAsync<CryptoHandshakeException>(() => attackerClient);
    }

    [Fact]
    public async Task A_hello_swapped_in_transit_fails_the_key_confirmation()
    {
        // Replace the server's ephemeral key with the attacker's: ECDH still "works" but the transcript
        // and the secret differ, so the confirmation cannot verify.
        var key = NewKey();
        var (clientTransport, serverTransport) = MemoryHandshakeTransport.CreatePair();
        using var attacker = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var q = attacker.ExportParameters(false).Q;
        serverTransport.Rewrite = (index, message) =>
        {
            if (index != 0) return message;
            q.X!.CopyTo(message, 7);
            q.Y!.CopyTo(message, 39);
            return message;
        };

        var (client, server) = await Handshakes.RunAsync(Provider(key), Provider(key), clientTransport, serverTransport);

        Assert.Contains("Wrong station key", (await Assert.ThrowsAsync<CryptoHandshakeException>(() => client)).Message);
        Assert.Contains("Wrong station key", (await Assert.ThrowsAsync<CryptoHandshakeException>(() => server)).Message);
    }

    [Fact]
    public async Task Tampered_frames_are_rejected_without_throwing()
    {
        var key = NewKey();
        var (client, server) = await Handshakes.ConnectAsync(Provider(key), Provider(key));
        var frame = client.Seal(Encoding.UTF8.GetBytes("skip the track"));

        foreach (var position in new[] { 8, 12, frame.Length - 1 })
        {
            var tampered = (byte[])frame.Clone();
            tampered[position] ^= 0x01;
            var result = server.Open(tampered);
            Assert.False(result.Ok);
            Assert.Contains("failed authentication", result.Error);
            Assert.All(result.Plaintext, b => Assert.Equal(0, b));
        }
        // The genuine frame still opens after the rejected copies: a forgery does not desynchronize.
        Assert.True(server.Open(frame).Ok);
    }

    [Fact]
    public async Task Truncated_frames_are_rejected()
    {
        var key = NewKey();
        var (client, server) = await Handshakes.ConnectAsync(Provider(key), Provider(key));
        var frame = client.Seal(Encoding.UTF8.GetBytes("status"));

        var tooShort = server.Open(frame[..10]);
        Assert.False(tooShort.Ok);
        Assert.Contains("truncated", tooShort.Error);

        var lostTail = server.Open(frame[..^1]);
        Assert.False(lostTail.Ok);
        Assert.Contains("failed authentication", lostTail.Error);

        Assert.False(server.Open([]).Ok);
    }

    [Fact]
    public async Task Replayed_and_reordered_frames_are_rejected()
    {
        var key = NewKey();
        var (client, server) = await Handshakes.ConnectAsync(Provider(key), Provider(key));
        var first = client.Seal("one"u8.ToArray());
        var second = client.Seal("two"u8.ToArray());
        var third = client.Seal("three"u8.ToArray());

        var early = server.Open(second);
        Assert.False(early.Ok);
        Assert.Contains("out of order", early.Error);

        Assert.True(server.Open(first).Ok);
        var replay = server.Open(first);
        Assert.False(replay.Ok);
        Assert.Contains("replayed", replay.Error);

        Assert.True(server.Open(second).Ok);
        Assert.True(server.Open(third).Ok);
        Assert.False(server.Open(second).Ok);
    }

    [Fact]
    public async Task A_forged_counter_does_not_pass_as_the_next_frame()
    {
        var key = NewKey();
        var (client, server) = await Handshakes.ConnectAsync(Provider(key), Provider(key));
        client.Seal("zero"u8.ToArray());
        var second = client.Seal("one"u8.ToArray());
        second[7] = 0; // claim counter 0: the nonce no longer matches the one it was sealed under

        var result = server.Open(second);
        Assert.False(result.Ok);
        Assert.Contains("failed authentication", result.Error);
    }

    [Fact]
    public async Task Directional_keys_differ_so_a_reflected_frame_is_rejected()
    {
        var key = NewKey();
        var (client, server) = await Handshakes.ConnectAsync(Provider(key), Provider(key));
        var plaintext = new byte[64];

        var fromClient = client.Seal(plaintext);
        var fromServer = server.Seal(plaintext);
        Assert.Equal(fromClient[..8], fromServer[..8]); // both counter 0
        Assert.NotEqual(fromClient[8..], fromServer[8..]);

        var reflected = client.Open(fromClient);
        Assert.False(reflected.Ok);
        Assert.Contains("failed authentication", reflected.Error);
    }

    [Fact]
    public async Task Both_ends_export_identical_keying_material_that_is_fresh_per_session()
    {
        var key = NewKey();
        var (client, server) = await Handshakes.ConnectAsync(Provider(key), Provider(key));
        var (client2, server2) = await Handshakes.ConnectAsync(Provider(key), Provider(key));

        var srtp = client.ExportKeyingMaterial("MoodDJ SRTP", 30);
        Assert.Equal(30, srtp.Length);
        Assert.Equal(srtp, server.ExportKeyingMaterial("MoodDJ SRTP", 30));
        Assert.NotEqual(srtp, client.ExportKeyingMaterial("another label", 30));
        Assert.NotEqual(srtp, client2.ExportKeyingMaterial("MoodDJ SRTP", 30));
        Assert.Equal(client2.ExportKeyingMaterial("MoodDJ SRTP", 30), server2.ExportKeyingMaterial("MoodDJ SRTP", 30));
    }

    [Fact]
    public async Task A_peer_that_never_answers_times_out_with_a_clear_reason()
    {
        var provider = Provider(NewKey(), TimeSpan.FromMilliseconds(300));
        var error = await Assert.ThrowsAsync<CryptoHandshakeException>(
            async () => await provider.HandshakeAsync(new ScriptedHandshakeTransport(), HandshakeRole.Server));
        Assert.Contains("timed out", error.Message);
        Assert.Contains("client's hello", error.Message);
    }

    [Fact]
    public async Task A_peer_that_stops_after_its_hello_times_out_waiting_for_the_confirmation()
    {
        var key = NewKey();
        var (clientTransport, serverTransport) = MemoryHandshakeTransport.CreatePair();
        var stalledServer = Task.Run(async () => await serverTransport.ReceiveAsync()); // reads the hello, never replies
        var provider = Provider(key, TimeSpan.FromMilliseconds(300));
        var error = await Assert.ThrowsAsync<CryptoHandshakeException>(
            async () => await provider.HandshakeAsync(clientTransport, HandshakeRole.Client));
        Assert.Contains("timed out", error.Message);
        await stalledServer;
    }

    [Fact]
    public async Task The_callers_cancellation_is_reported_as_cancellation()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await Provider(NewKey()).HandshakeAsync(new ScriptedHandshakeTransport(), HandshakeRole.Server, cts.Token));
    }

    [Fact]
    public async Task A_closed_connection_during_the_handshake_is_reported_clearly()
    {
        var (clientTransport, serverTransport) = MemoryHandshakeTransport.CreatePair();
        serverTransport.Close();
        var error = await Assert.ThrowsAsync<CryptoHandshakeException>(
            async () => await Provider(NewKey()).HandshakeAsync(clientTransport, HandshakeRole.Client));
        Assert.Contains("connection failed", error.Message);
        Assert.Contains("server's hello", error.Message);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n\r\n", "not speaking")]
    [InlineData("", "not speaking")]
    [InlineData("MDJA\u0002\u0001", "version 2")]
    [InlineData("MDJA\u0001\u0002", "type 2")]
    [InlineData("MDJA\u0001\u0001short", "exactly 103")]
    public async Task Garbage_handshake_bytes_fail_with_a_clear_reason(string garbage, string expected)
    {
        var error = await Assert.ThrowsAsync<CryptoHandshakeException>(
            async () => await Provider(NewKey()).HandshakeAsync(new ScriptedHandshakeTransport(Encoding.Latin1.GetBytes(garbage)), HandshakeRole.Server));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task A_public_key_off_the_curve_is_rejected()
    {
        var hello = new byte[103];
        "MDJA\u0001\u0001"u8.CopyTo(hello);
        hello[6] = 0x04;
        hello[7] = 1; // (1, 0) is not on P-256
        var error = await Assert.ThrowsAsync<CryptoHandshakeException>(
            async () => await Provider(NewKey()).HandshakeAsync(new ScriptedHandshakeTransport(hello), HandshakeRole.Server));
        Assert.Contains("not a valid P-256 point", error.Message);
    }

    [Fact]
    public async Task Sealing_and_opening_allocate_nothing_in_steady_state()
    {
        var key = NewKey();
        var (client, server) = await Handshakes.ConnectAsync(Provider(key), Provider(key));
        var plaintext = new byte[882];
        var sealedFrame = new byte[plaintext.Length + client.Overhead];
        var opened = new byte[plaintext.Length];
        for (var i = 0; i < 100; i++)
            Round();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
            Round();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);

        void Round()
        {
            var n = client.Seal(plaintext, sealedFrame);
            if (!server.TryOpen(sealedFrame.AsSpan(0, n), opened, out _, out var error))
                throw new InvalidOperationException(error);
        }
    }

    [Fact]
    public async Task Sealing_after_dispose_throws_and_opening_fails_softly()
    {
        var key = NewKey();
        var (client, server) = await Handshakes.ConnectAsync(Provider(key), Provider(key));
        var frame = client.Seal("x"u8.ToArray());
        client.Dispose();
        server.Dispose();
        Assert.Throws<ObjectDisposedException>(() => client.Seal("y"u8.ToArray()));
        Assert.False(server.Open(frame).Ok);
    }

    [Fact]
    public void The_station_key_comes_from_plugin_settings_or_from_station_key()
    {
        var key = Convert.ToBase64String(NewKey());
        var own = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["key"] = key, ["handshakeTimeoutSeconds"] = "2.5" }).Build();
        var empty = new ConfigurationBuilder().Build();
        var host = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["station:key"] = key }).Build();

        var fromSettings = AeadOptions.FromConfiguration(own, null);
        Assert.Equal(Convert.FromBase64String(key), fromSettings.StationKey);
        Assert.Equal(TimeSpan.FromSeconds(2.5), fromSettings.HandshakeTimeout);
        Assert.Equal(Convert.FromBase64String(key), AeadOptions.FromConfiguration(empty, host).StationKey);
    }

    [Theory]
    [InlineData(null, "needs a station key")]
    [InlineData("not base64!", "not base64")]
    [InlineData("AAAA", "decodes to 3 bytes")]
    public void A_missing_or_malformed_station_key_is_a_clear_error(string? key, string expected)
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["key"] = key }).Build();
        var error = Assert.Throws<InvalidOperationException>(() => AeadOptions.FromConfiguration(settings, null));
        Assert.Contains(expected, error.Message);
        Assert.Contains("mooddj keygen", error.Message);
    }

    [Fact]
    public void A_bad_handshake_timeout_setting_is_a_clear_error()
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["key"] = Convert.ToBase64String(NewKey()),
            ["handshakeTimeoutSeconds"] = "soon",
        }).Build();
        Assert.Contains("handshakeTimeoutSeconds", Assert.Throws<SettingsException>(() => AeadOptions.FromConfiguration(settings, null)).Message);
    }
}
