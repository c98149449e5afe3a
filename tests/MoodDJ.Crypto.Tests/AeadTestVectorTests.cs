using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MoodDJ.Abstractions.Crypto;
using MoodDJ.Plugins.AeadCrypto;

namespace MoodDJ.Crypto.Tests;

/// <summary>
/// The fixed-input example of docs/protocol.md ("Test vectors" → "Crypto"): the production key
/// schedule must give exactly the documented bytes, and an independent implementation of the
/// documented spec (Python's cryptography package) must agree with it.
/// </summary>
public class AeadTestVectorTests
{
    private static readonly byte[] StationKey = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] ClientPrivate = SHA256.HashData("MoodDJ test client"u8);
    private static readonly byte[] ServerPrivate = SHA256.HashData("MoodDJ test server"u8);
    private static readonly byte[] ClientRandom = Enumerable.Repeat((byte)0x11, 32).ToArray();
    private static readonly byte[] ServerRandom = Enumerable.Repeat((byte)0x22, 32).ToArray();
    private static readonly byte[] Ping = "{\"jsonrpc\":\"2.0\",\"method\":\"ping\"}"u8.ToArray();

    // The documented vector (docs/protocol.md).
    private const string ExpectedTranscriptHash = "4B910EFD8617437875C96CA22BF1020353A8C308BFC95E19BEA70D91C2E07954";
    private const string ExpectedClientConfirm = "4D444A4101020929C61B9F08CBD3105D512C41FBF5448624D359574BFAC0287503DF90A41AD3";
    private const string ExpectedServerConfirm = "4D444A410102DF8F396F082E683DCEDC5D6E11A93674B7DC0E0F5AEB938BCAF8E2AADF545891";
    private const string ExpectedSealedPing = "0000000000000000BFFC6522A50C543D23FCD3ECE6C292EFCBEE557F90A498A18CD38C7264F699BCB532C21BBA675DF8AF25438AEFE92652EC";
    private const string ExpectedSrtpExport = "1FD7CA1B70E1BE643BB9015759FFB570C420391F0D549DC055CA44D8B4B2";

    private static Dictionary<string, string> Compute()
    {
        using var client = Ecdh(ClientPrivate);
        using var server = Ecdh(ServerPrivate);
        var clientHello = AeadHandshakeMessages.WriteHello(PublicKey(client), ClientRandom);
        var serverHello = AeadHandshakeMessages.WriteHello(PublicKey(server), ServerRandom);
        var secret = client.DeriveRawSecretAgreement(server.PublicKey);
        var keys = AeadKeySchedule.Create(StationKey, secret, clientHello, serverHello);
        using var channel = new AeadSecureChannel(keys, HandshakeRole.Client);
        var sealedPing = new byte[Ping.Length + channel.Overhead];
        channel.Seal(Ping, sealedPing);
        return new()
        {
            ["clientHello"] = Hex(clientHello),
            ["serverHello"] = Hex(serverHello),
            ["ecdh"] = Hex(secret),
            ["transcriptHash"] = Hex(keys.TranscriptHash),
            ["sessionSecret"] = Hex(keys.SessionSecret),
            ["clientConfirm"] = Hex(AeadHandshakeMessages.WriteConfirm(keys.ConfirmationMac(fromClient: true))),
            ["serverConfirm"] = Hex(AeadHandshakeMessages.WriteConfirm(keys.ConfirmationMac(fromClient: false))),
            ["c2sKey"] = Hex(keys.Derive("mdj c2s key", 32)),
            ["c2sIv"] = Hex(keys.Derive("mdj c2s iv", 12)),
            ["sealedPing"] = Hex(sealedPing),
            ["srtpExport"] = Hex(channel.ExportKeyingMaterial("MoodDJ SRTP", 30)),
        };
    }

    [Fact]
    public void The_key_schedule_reproduces_the_documented_vector()
    {
        var v = Compute();
        Assert.Equal(ExpectedTranscriptHash, v["transcriptHash"]);
        Assert.Equal(ExpectedClientConfirm, v["clientConfirm"]);
        Assert.Equal(ExpectedServerConfirm, v["serverConfirm"]);
        Assert.Equal(ExpectedSealedPing, v["sealedPing"]);
        Assert.Equal(ExpectedSrtpExport, v["srtpExport"]);
    }

    [Fact]
    public async Task An_independent_implementation_of_the_documented_spec_agrees()
    {
        var script = """
            import sys, json, hashlib, hmac
            from cryptography.hazmat.primitives.asymmetric import ec
            from cryptography.hazmat.primitives import serialization
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM
            i = json.load(sys.stdin); b = bytes.fromhex
            def pub(d):
                k = ec.derive_private_key(int.from_bytes(b(d), "big"), ec.SECP256R1())
                return k, k.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
            def expand(prk, info, n):
                out, t, c = b"", b"", 1
                while len(out) < n:
                    t = hmac.new(prk, t + info + bytes([c]), hashlib.sha256).digest(); out += t; c += 1
                return out[:n]
            ck, cpub = pub(i["clientPrivate"]); sk, spub = pub(i["serverPrivate"])
            ch = b"MDJA\x01\x01" + cpub + b(i["clientRandom"]); sh = b"MDJA\x01\x01" + spub + b(i["serverRandom"])
            z = ck.exchange(ec.ECDH(), sk.public_key())
            th = hashlib.sha256(b"MoodDJ aead v1" + ch + sh).digest()
            prk = hmac.new(b(i["stationKey"]), z, hashlib.sha256).digest()
            secret = expand(prk, b"mdj session" + th, 32)
            conf = lambda label: b"MDJA\x01\x02" + hmac.new(expand(secret, label, 32), th, hashlib.sha256).digest()
            key, iv = expand(secret, b"mdj c2s key", 32), expand(secret, b"mdj c2s iv", 12)
            nonce = iv  # counter 0: IV XOR 0
            sealed = (0).to_bytes(8, "big") + AESGCM(key).encrypt(nonce, b(i["ping"]), None)
            exporter = expand(secret, b"mdj exporter", 32)
            srtp = expand(exporter, b"mdj exporter MoodDJ SRTP", 30)
            h = lambda x: x.hex().upper()
            print(json.dumps({"clientHello": h(ch), "serverHello": h(sh), "ecdh": h(z), "transcriptHash": h(th), "sessionSecret": h(secret),
                "clientConfirm": h(conf(b"mdj client confirm")), "serverConfirm": h(conf(b"mdj server confirm")),
                "c2sKey": h(key), "c2sIv": h(iv), "sealedPing": h(sealed), "srtpExport": h(srtp)}))
            """;
        var input = new
        {
            stationKey = Hex(StationKey), clientPrivate = Hex(ClientPrivate), serverPrivate = Hex(ServerPrivate),
            clientRandom = Hex(ClientRandom), serverRandom = Hex(ServerRandom), ping = Hex(Ping),
        };
        var output = await ExternalProcess.RunTextAsync("/usr/bin/python3", ["-c", script], JsonSerializer.Serialize(input));
        var python = JsonSerializer.Deserialize<Dictionary<string, string>>(output)!;

        var ours = Compute();
        foreach (var (name, value) in ours)
            Assert.True(python[name] == value, $"{name}: C# {value}, Python {python[name]}");
    }

    private static ECDiffieHellman Ecdh(byte[] d) =>
        ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });

    private static byte[] PublicKey(ECDiffieHellman ecdh)
    {
        var q = ecdh.ExportParameters(false).Q;
        return [0x04, .. q.X!, .. q.Y!];
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes);
}
