using MoodDJ.Abstractions.Crypto;
using MoodDJ.Plugins.AeadCrypto;
using MoodDJ.Plugins.FernetCrypto;
using MoodDJ.Plugins.NoCrypto;
using MoodDJ.Protocol;

namespace MoodDJ.Crypto.Tests;

/// <summary>Each plugin's first handshake message is recognisable without its key (docs/protocol.md, "Naming a crypto mismatch").</summary>
public class CryptoSchemeTests
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    public static TheoryData<string> Names => new() { "aead", "fernet", "none" };

    private static ICryptoProvider Provider(string name) => name switch
    {
        "aead" => new AeadCryptoProvider(new AeadOptions(Key, TimeSpan.FromSeconds(5))),
        "fernet" => new FernetCryptoProvider(new FernetOptions(Key)),
        _ => new NoCryptoProvider(),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Both_first_messages_of_a_real_handshake_name_the_plugin(string name)
    {
        var provider = Provider(name);
        Assert.Equal(name, provider.Name);
        var (client, server) = MemoryHandshakeTransport.CreatePair();
        var (c, s) = await Handshakes.RunAsync(provider, Provider(name), client, server);
        await c;
        await s;
        Assert.Equal(name, CryptoSchemes.Identify(client.Sent[0]));
        Assert.Equal(name, CryptoSchemes.Identify(server.Sent[0]));
    }

    [Fact]
    public void The_documented_first_messages_are_identified_and_others_are_not()
    {
        Assert.Equal("aead", CryptoSchemes.Identify(Convert.FromHexString("4D444A410101" + new string('0', 2 * 97))));
        Assert.Equal("none", CryptoSchemes.Identify(Convert.FromHexString("4D444A4E01")));
        // A Fernet token of an empty plaintext from the Fernet spec is 73 bytes; the hello is 89.
        Assert.Equal("fernet", CryptoSchemes.Identify(FernetToken.EncryptToBytes(Key, new byte[21], DateTimeOffset.UnixEpoch)));
        Assert.Equal(89, FernetToken.EncryptToBytes(Key, new byte[21], DateTimeOffset.UnixEpoch).Length);
        Assert.Null(CryptoSchemes.Identify([]));
        Assert.Null(CryptoSchemes.Identify("GET / HTTP/1.1"u8));
        Assert.Null(CryptoSchemes.Identify(new byte[] { 0x80, 1, 2 }));
        Assert.Null(CryptoSchemes.Identify(RefusalFrame.Create(-32000, "Server full.")));
    }

    [Fact]
    public void The_crypto_mismatch_refusal_has_the_documented_bytes_and_names_the_station_scheme()
    {
        var frame = RefusalFrame.CreateCryptoMismatch("aead");
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32006,\"message\":\"This station uses crypto 'aead'; set use:crypto to 'aead'.\",\"data\":{\"crypto\":\"aead\"}}}",
            System.Text.Encoding.UTF8.GetString(frame));
        Assert.True(RefusalFrame.TryRead(frame, out var code, out var message, out var data));
        Assert.Equal(JsonRpcErrorCodes.CryptoMismatch, code);
        Assert.Equal("This station uses crypto 'aead'; set use:crypto to 'aead'.", message);
        Assert.Equal("aead", RefusalFrame.StationCrypto(code, data));
        Assert.Null(RefusalFrame.StationCrypto(JsonRpcErrorCodes.ServerFull, data));
    }
}
