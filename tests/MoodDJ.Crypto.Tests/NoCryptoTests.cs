using MoodDJ.Abstractions.Crypto;
using MoodDJ.Plugins.AeadCrypto;
using MoodDJ.Plugins.NoCrypto;

namespace MoodDJ.Crypto.Tests;

public class NoCryptoTests
{
    [Fact]
    public async Task Frames_pass_in_clear_and_the_provider_says_so()
    {
        var provider = new NoCryptoProvider();
        var (client, server) = await Handshakes.ConnectAsync(provider, provider);

        Assert.False(((ICryptoProvider)provider).IsEncrypted);
        Assert.False(client.IsEncrypted);
        Assert.Equal(0, client.Overhead);
        var frame = client.Seal("{\"method\":\"ping\"}"u8.ToArray());
        Assert.Equal("{\"method\":\"ping\"}"u8.ToArray(), frame);
        var opened = server.Open(frame);
        Assert.True(opened.Ok);
        Assert.Equal(frame, opened.Plaintext);
        Assert.Throws<NotSupportedException>(() => client.ExportKeyingMaterial("MoodDJ SRTP", 30));
        Assert.Contains("none", NoCryptoProvider.Warning);
    }

    [Fact]
    public async Task A_peer_using_another_crypto_plugin_is_refused_clearly()
    {
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var (client, server) = await Handshakes.RunAsync(new NoCryptoProvider(), new AeadCryptoProvider(new AeadOptions(key, TimeSpan.FromSeconds(5))));

        // The aead server names the mismatch and hangs up; the client sees the connection end.
        Assert.Contains("not speaking MoodDJ's aead handshake", (await Assert.ThrowsAsync<CryptoHandshakeException>(() => server)).Message);
        Assert.Contains("connection failed", (await Assert.ThrowsAsync<CryptoHandshakeException>(() => client)).Message);
    }

    [Fact]
    public async Task A_none_server_names_the_mismatch_when_an_aead_client_connects()
    {
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var (_, server) = await Handshakes.RunAsync(new AeadCryptoProvider(new AeadOptions(key, TimeSpan.FromSeconds(5))), new NoCryptoProvider());

        Assert.Contains("same crypto plugin", (await Assert.ThrowsAsync<CryptoHandshakeException>(() => server)).Message);
    }

    [Fact]
    public async Task A_silent_peer_times_out()
    {
        var error = await Assert.ThrowsAsync<CryptoHandshakeException>(
            async () => await new NoCryptoProvider(TimeSpan.FromMilliseconds(200)).HandshakeAsync(new ScriptedHandshakeTransport(), HandshakeRole.Client));
        Assert.Contains("timed out", error.Message);
    }
}
