using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using MoodDJ.Abstractions.Crypto;
using MoodDJ.Client;
using MoodDJ.Plugins.FernetCrypto;
using MoodDJ.Protocol;
using static MoodDJ.Station.Tests.Control.ControlTestKit;

namespace MoodDJ.Station.Tests.Control;

/// <summary>
/// A client whose crypto plugin differs from the station's: both ends name both schemes (real TCP on
/// 127.0.0.1, the real aead, fernet and none plugins).
/// </summary>
public sealed class CryptoMismatchTests
{
    private static readonly byte[] FernetKey = Enumerable.Range(50, 32).Select(i => (byte)i).ToArray();

    private static ICryptoProvider Crypto(string name) => name switch
    {
        CryptoSchemes.Aead => Aead(),
        CryptoSchemes.Fernet => new FernetCryptoProvider(new FernetOptions(FernetKey)),
        CryptoSchemes.None => None(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static async Task<(ControlServer Server, CapturingLoggerProvider Logs, ILoggerFactory Factory)> StartAsync(string crypto)
    {
        var logs = new CapturingLoggerProvider();
        var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var server = new ControlServer(Tcp, Crypto(crypto), new EchoHandler(), Options(), factory.CreateLogger<ControlServer>());
        await server.StartAsync();
        return (server, logs, factory);
    }

    public static TheoryData<string, string> Mismatches => new()
    {
        // client, station
        { "fernet", "aead" }, { "none", "aead" },
        { "aead", "fernet" }, { "none", "fernet" },
        { "aead", "none" }, { "fernet", "none" },
    };

    [Theory]
    [MemberData(nameof(Mismatches))]
    public async Task Each_end_names_both_schemes(string client, string station)
    {
        var (server, logs, factory) = await StartAsync(station);
        await using var _ = server;
        using var __ = factory;

        var error = await Assert.ThrowsAsync<CryptoMismatchException>(() => ConnectAsync(server, Crypto(client)));
        Assert.Equal($"The station uses crypto '{station}' and this client '{client}': set use:crypto to '{station}'.", error.Message);
        Assert.Equal(station, error.StationCrypto);
        Assert.Equal(client, error.ClientCrypto);

        await EventuallyAsync(() => server.Stats.Dropped(ControlDropReason.HandshakeFailed) == 1, "the server counts the mismatch");
        var warning = Assert.Single(logs.Snapshot(), l => l.Level == LogLevel.Warning);
        Assert.Matches(new Regex($@"client 127\.0\.0\.1:\d+ speaks crypto '{client}'; this station uses '{station}'\.$"), warning.Message);
        Assert.DoesNotContain(logs.Snapshot(), l => l.Message.Contains("dropped (HandshakeFailed)"));

        // The station still serves a client that matches it.
        await using var matching = await ConnectAsync(server, Crypto(station));
        Assert.Equal("ok", (await CallAsync(matching, 1, "echo", new { text = "ok" })).GetProperty("result").GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("aead")]
    [InlineData("fernet")]
    [InlineData("none")]
    public async Task A_matching_pair_connects_and_logs_no_warning(string crypto)
    {
        var (server, logs, factory) = await StartAsync(crypto);
        await using var _ = server;
        using var __ = factory;
        await using var channel = await ConnectAsync(server, Crypto(crypto));
        Assert.Equal("hi", (await CallAsync(channel, 1, "echo", new { text = "hi" })).GetProperty("result").GetProperty("text").GetString());
        Assert.DoesNotContain(logs.Snapshot(), l => l.Level >= LogLevel.Warning);
        Assert.Equal(0, server.Stats.Dropped(ControlDropReason.HandshakeFailed));
    }

    [Fact]
    public async Task A_wrong_key_with_the_same_plugin_is_still_reported_as_a_wrong_key()
    {
        var (server, logs, factory) = await StartAsync(CryptoSchemes.Fernet);
        await using var _ = server;
        using var __ = factory;
        var other = new FernetCryptoProvider(new FernetOptions(OtherKey));
        var error = await Assert.ThrowsAnyAsync<CryptoHandshakeException>(() => ConnectAsync(server, other));
        Assert.IsNotType<CryptoMismatchException>(error);
        Assert.Contains("Wrong station key", error.Message);
        await EventuallyAsync(() => server.Stats.Dropped(ControlDropReason.HandshakeFailed) == 1, "the server counts it");
        Assert.DoesNotContain(logs.Snapshot(), l => l.Message.Contains("speaks"));
    }

    [Fact]
    public async Task The_station_client_fails_connecting_with_the_one_line_reason()
    {
        var (server, _, factory) = await StartAsync(CryptoSchemes.Aead);
        await using var __ = server;
        using var ___ = factory;
        await using var client = new StationClient(Tcp, Crypto(CryptoSchemes.Fernet), new StationClientOptions { EndPoint = server.LocalEndPoint, ClientName = "test" });
        var error = await Assert.ThrowsAsync<CryptoMismatchException>(() => client.ConnectAsync());
        Assert.Equal("The station uses crypto 'aead' and this client 'fernet': set use:crypto to 'aead'.", error.Message);
        Assert.Equal(StationClientState.Disconnected, client.State);
    }

    [Fact]
    public async Task A_client_speaking_an_unknown_scheme_is_logged_and_told_the_stations_scheme()
    {
        var (server, logs, factory) = await StartAsync(CryptoSchemes.Aead);
        await using var _ = server;
        using var __ = factory;
        using var raw = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await raw.ConnectAsync(server.LocalEndPoint);
        var hello = "XYZW hello"u8.ToArray();
        var frame = new byte[4 + hello.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)hello.Length);
        hello.CopyTo(frame, 4);
        await raw.SendAsync(frame);

        // The reply is the documented refusal frame, byte for byte.
        var expected = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32006,\"message\":\"This station uses crypto 'aead'; set use:crypto to 'aead'.\",\"data\":{\"crypto\":\"aead\"}}}"u8.ToArray();
        var reply = await ReadFrameAsync(raw);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(expected), System.Text.Encoding.UTF8.GetString(reply));

        await EventuallyAsync(() => logs.Snapshot().Any(l => l.Level == LogLevel.Warning), "the server logs the mismatch");
        Assert.Matches(@"client 127\.0\.0\.1:\d+ speaks an unknown crypto scheme; this station uses 'aead'\.$", logs.Snapshot().Single(l => l.Level == LogLevel.Warning).Message);
    }

    private static async Task<byte[]> ReadFrameAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var header = new byte[4];
        await ReadExactlyAsync(socket, header, timeout.Token);
        var body = new byte[BinaryPrimitives.ReadUInt32BigEndian(header)];
        await ReadExactlyAsync(socket, body, timeout.Token);
        return body;
    }

    private static async Task ReadExactlyAsync(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        for (var read = 0; read < buffer.Length;)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancellationToken);
            if (n == 0) throw new EndOfStreamException($"closed after {read} of {buffer.Length} bytes");
            read += n;
        }
    }
}
