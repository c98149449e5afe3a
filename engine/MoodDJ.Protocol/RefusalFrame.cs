using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MoodDJ.Protocol;

/// <summary>
/// A server that refuses a connection (it is full, or the client speaks another crypto scheme)
/// sends one unsealed frame holding a JSON-RPC error response with id null, then closes. Clients
/// recognise it in place of a handshake message and report the server's reason instead of a
/// handshake failure.
/// </summary>
public static class RefusalFrame
{
    private static ReadOnlySpan<byte> Prefix => "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":"u8;

    /// <summary>
    /// The frame's bytes. Written with relaxed escaping, so the quotes in a message stay readable on
    /// the wire (' rather than \u0027) and the bytes docs/protocol.md shows hold whatever encoder
    /// the JSON-RPC writer uses.
    /// </summary>
    public static byte[] Create(int code, string message, JsonElement? data = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc", "2.0");
            writer.WriteNull("id");
            writer.WriteStartObject("error");
            writer.WriteNumber("code", code);
            writer.WriteString("message", message);
            if (data is { ValueKind: not JsonValueKind.Undefined } d)
            {
                writer.WritePropertyName("data");
                d.WriteTo(writer);
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The refusal of a client that speaks another crypto scheme: code -32006, data {"crypto": station's scheme}.</summary>
    public static byte[] CreateCryptoMismatch(string stationCrypto) =>
        Create(JsonRpcErrorCodes.CryptoMismatch, CryptoMismatchException.RefusalMessage(stationCrypto),
            JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["crypto"] = stationCrypto }));

    /// <summary>True when <paramref name="frame"/> is a refusal; returns its code and message.</summary>
    public static bool TryRead(ReadOnlySpan<byte> frame, out int code, out string message) => TryRead(frame, out code, out message, out _);

    /// <summary>True when <paramref name="frame"/> is a refusal; returns its code, message and data (a copy, if any).</summary>
    public static bool TryRead(ReadOnlySpan<byte> frame, out int code, out string message, out JsonElement? data)
    {
        code = 0;
        message = "";
        data = null;
        if (!frame.StartsWith(Prefix)) return false;
        try
        {
            using var doc = JsonDocument.Parse(frame.ToArray());
            var error = doc.RootElement.GetProperty("error");
            code = error.GetProperty("code").GetInt32();
            message = error.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
            if (error.TryGetProperty("data", out var d)) data = d.Clone();
            return true;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            message = Encoding.UTF8.GetString(frame);
            return true;
        }
    }

    /// <summary>The station's crypto scheme named by a crypto-mismatch refusal, or null for any other refusal.</summary>
    public static string? StationCrypto(int code, JsonElement? data) =>
        code == JsonRpcErrorCodes.CryptoMismatch && data is { ValueKind: JsonValueKind.Object } d
            && d.TryGetProperty("crypto", out var c) && c.ValueKind == JsonValueKind.String
            ? c.GetString()
            : null;
}
