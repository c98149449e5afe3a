using System.Text;
using System.Text.Json;
using MoodDJ.Plugins.FernetCrypto;

namespace MoodDJ.Crypto.Tests;

/// <summary>
/// Fernet against Python's cryptography.fernet (Debian's /usr/bin/python3; the pyenv python3 on PATH
/// lacks the module). Python makes tokens C# opens, and the reverse, including TTL and tampering.
/// </summary>
public class FernetPythonInteropTests
{
    private const string Python = "/usr/bin/python3";

    private static readonly string[] Messages = ["", "I feel happy", "煩死了，想放鬆一下 🎵", new string('x', 1000), "exactly16bytes!!"];

    /// <summary>Runs a Python snippet that reads JSON on stdin and prints JSON.</summary>
    private static async Task<JsonElement> PythonAsync(string script, object input)
    {
        var output = await ExternalProcess.RunTextAsync(Python, ["-c", "import sys, json, base64\nfrom cryptography.fernet import Fernet, InvalidToken\n" + script], JsonSerializer.Serialize(input));
        return JsonDocument.Parse(output).RootElement;
    }

    [Fact]
    public async Task Tokens_made_by_python_open_in_csharp()
    {
        var key = FernetToken.GenerateKey();
        var tokens = await PythonAsync("""
            i = json.load(sys.stdin); f = Fernet(i["key"].encode())
            print(json.dumps([f.encrypt(m.encode()).decode() for m in i["messages"]]))
            """, new { key, messages = Messages });

        var keyBytes = FernetToken.ParseKey(key);
        var opened = tokens.EnumerateArray().Select(t =>
        {
            Assert.True(FernetToken.TryDecrypt(keyBytes, t.GetString()!, TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow, out var plaintext, out var error), error);
            return Encoding.UTF8.GetString(plaintext);
        });
        Assert.Equal(Messages, opened);
    }

    [Fact]
    public async Task A_python_client_hello_is_identified_as_fernet_and_accepted_by_the_fernet_server()
    {
        var key = FernetToken.GenerateKey();
        var hello = await PythonAsync("""
            i = json.load(sys.stdin); f = Fernet(i["key"].encode())
            print(json.dumps(f.encrypt(b"MDJFC" + bytes(range(16))).decode()))
            """, new { key });
        var token = Convert.FromBase64String(hello.GetString()!.Replace('-', '+').Replace('_', '/'));

        Assert.Equal(MoodDJ.Protocol.CryptoSchemes.Fernet, MoodDJ.Protocol.CryptoSchemes.Identify(token));
        using var channel = await new FernetCryptoProvider(new FernetOptions(FernetToken.ParseKey(key)))
            .HandshakeAsync(new ScriptedHandshakeTransport(token), MoodDJ.Abstractions.Crypto.HandshakeRole.Server);
        Assert.True(channel.IsEncrypted);
    }

    [Fact]
    public async Task Tokens_made_in_csharp_open_in_python_with_a_ttl()
    {
        var key = FernetToken.GenerateKey();
        var keyBytes = FernetToken.ParseKey(key);
        var tokens = Messages.Select(m => FernetToken.Encrypt(keyBytes, Encoding.UTF8.GetBytes(m))).ToArray();

        var opened = await PythonAsync("""
            i = json.load(sys.stdin); f = Fernet(i["key"].encode())
            print(json.dumps([f.decrypt(t.encode(), ttl=300).decode() for t in i["tokens"]]))
            """, new { key, tokens });

        Assert.Equal(Messages, opened.EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Expired_python_tokens_are_refused_when_a_ttl_is_set_and_accepted_without()
    {
        var key = FernetToken.GenerateKey();
        var made = DateTimeOffset.UtcNow.AddHours(-1);
        var token = (await PythonAsync("""
            i = json.load(sys.stdin); f = Fernet(i["key"].encode())
            print(json.dumps(f.encrypt_at_time(b"old mood", i["at"]).decode()))
            """, new { key, at = made.ToUnixTimeSeconds() })).GetString()!;

        var keyBytes = FernetToken.ParseKey(key);
        Assert.False(FernetToken.TryDecrypt(keyBytes, token, TimeSpan.FromMinutes(10), DateTimeOffset.UtcNow, out _, out var error));
        Assert.Contains("expired", error);
        Assert.True(FernetToken.TryDecrypt(keyBytes, token, null, DateTimeOffset.UtcNow, out var plaintext, out _));
        Assert.Equal("old mood", Encoding.UTF8.GetString(plaintext));
        Assert.True(FernetToken.TryDecrypt(keyBytes, token, TimeSpan.FromHours(2), DateTimeOffset.UtcNow, out _, out _));
    }

    [Fact]
    public async Task Python_refuses_expired_and_tampered_csharp_tokens()
    {
        var key = FernetToken.GenerateKey();
        var keyBytes = FernetToken.ParseKey(key);
        var old = FernetToken.Encrypt(keyBytes, "stale"u8, DateTimeOffset.UtcNow.AddHours(-1));
        var fresh = FernetToken.EncryptToBytes(keyBytes, "fresh"u8, DateTimeOffset.UtcNow);
        fresh[30] ^= 1;
        var tampered = FernetToken.ToBase64Url(fresh);

        var verdicts = await PythonAsync("""
            i = json.load(sys.stdin); f = Fernet(i["key"].encode())
            def check(t, ttl):
                try:
                    return f.decrypt(t.encode(), ttl=ttl).decode()
                except InvalidToken:
                    return "InvalidToken"
            print(json.dumps([check(i["old"], 60), check(i["old"], None), check(i["tampered"], None)]))
            """, new { key, old, tampered });

        Assert.Equal(["InvalidToken", "stale", "InvalidToken"], verdicts.EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Tampered_truncated_and_wrong_key_python_tokens_are_refused()
    {
        var key = FernetToken.GenerateKey();
        var token = (await PythonAsync("""
            i = json.load(sys.stdin); f = Fernet(i["key"].encode())
            print(json.dumps(f.encrypt(b"prompt: calm").decode()))
            """, new { key })).GetString()!;
        var keyBytes = FernetToken.ParseKey(key);
        var bytes = FernetToken.FromBase64Url(token)!;

        foreach (var position in new[] { 0, 5, 12, 40, bytes.Length - 1 })
        {
            var tampered = (byte[])bytes.Clone();
            tampered[position] ^= 0x04;
            Assert.False(FernetToken.TryDecrypt(keyBytes, FernetToken.ToBase64Url(tampered), null, DateTimeOffset.UtcNow, out _, out var error));
            Assert.NotNull(error);
        }
        Assert.False(FernetToken.TryDecrypt(keyBytes, FernetToken.ToBase64Url(bytes[..^16]), null, DateTimeOffset.UtcNow, out _, out var truncated));
        Assert.Contains("truncated", truncated);
        Assert.False(FernetToken.TryDecrypt(keyBytes, token[..10], null, DateTimeOffset.UtcNow, out _, out var tooShort));
        Assert.Contains("truncated", tooShort);
        Assert.False(FernetToken.TryDecrypt(keyBytes, "!!! not base64 !!!", null, DateTimeOffset.UtcNow, out _, out var notBase64));
        Assert.Contains("base64", notBase64);
        Assert.False(FernetToken.TryDecrypt(FernetToken.ParseKey(FernetToken.GenerateKey()), token, null, DateTimeOffset.UtcNow, out _, out var wrongKey));
        Assert.Contains("another key", wrongKey);
    }

    [Fact]
    public async Task A_key_python_generates_is_accepted_and_shares_tokens_both_ways()
    {
        var result = await PythonAsync("""
            i = json.load(sys.stdin); k = Fernet.generate_key(); f = Fernet(k)
            print(json.dumps({"key": k.decode(), "token": f.encrypt(b"from python").decode()}))
            """, new { });
        var key = FernetToken.ParseKey(result.GetProperty("key").GetString()!);
        Assert.True(FernetToken.TryDecrypt(key, result.GetProperty("token").GetString()!, null, DateTimeOffset.UtcNow, out var plaintext, out _));
        Assert.Equal("from python", Encoding.UTF8.GetString(plaintext));
    }
}
