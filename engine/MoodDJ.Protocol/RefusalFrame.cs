using System.Text;
using System.Text.Json;

namespace MoodDJ.Protocol;

/// <summary>
/// A server that refuses a connection (e.g. it is full) sends one unsealed frame holding a
/// JSON-RPC error response with id null, then closes. Clients recognise it in place of a handshake
/// message and report the server's reason instead of a handshake failure.
/// </summary>
public static class RefusalFrame
{
    private static ReadOnlySpan<byte> Prefix => "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":"u8;

    public static byte[] Create(int code, string message)
    {
        using var error = JsonRpcWriter.Error(default, new JsonRpcError(code, message));
        return error.Span.ToArray();
    }

    /// <summary>True when <paramref name="frame"/> is a refusal; returns its code and message.</summary>
    public static bool TryRead(ReadOnlySpan<byte> frame, out int code, out string message)
    {
        code = 0;
        message = "";
        if (!frame.StartsWith(Prefix)) return false;
        try
        {
            using var doc = JsonDocument.Parse(frame.ToArray());
            var error = doc.RootElement.GetProperty("error");
            code = error.GetProperty("code").GetInt32();
            message = error.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
            return true;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            message = Encoding.UTF8.GetString(frame);
            return true;
        }
    }
}
