using System.Text.Json;

namespace MoodDJ.Protocol;

public enum JsonRpcMessageKind { Request, Notification, Response, Invalid }

/// <summary>
/// One parsed JSON-RPC 2.0 message. Members other than those JSON-RPC defines are ignored, so a
/// newer peer may add fields without breaking an older one. Dispose to release the document.
/// </summary>
public sealed class JsonRpcMessage : IDisposable
{
    private readonly JsonDocument? _document;

    private JsonRpcMessage(JsonDocument? document, JsonRpcMessageKind kind, JsonElement id, string? method, JsonElement parameters,
        JsonElement result, JsonRpcError? error, string? invalidReason)
    {
        _document = document;
        Kind = kind;
        Id = id;
        Method = method;
        Params = parameters;
        Result = result;
        Error = error;
        InvalidReason = invalidReason;
    }

    public JsonRpcMessageKind Kind { get; }

    /// <summary>The id as sent (string or number); undefined for notifications.</summary>
    public JsonElement Id { get; }

    public string? Method { get; }

    /// <summary>The params object; undefined when absent.</summary>
    public JsonElement Params { get; }

    public JsonElement Result { get; }

    public JsonRpcError? Error { get; }

    /// <summary>Why the message is <see cref="JsonRpcMessageKind.Invalid"/>.</summary>
    public string? InvalidReason { get; }

    /// <summary>The JSON-RPC error code to answer an invalid message with.</summary>
    public int InvalidCode { get; private init; }

    /// <summary>
    /// Parses <paramref name="utf8"/>, which must stay valid while this message is used (the
    /// document reads it in place). Never throws for bad input: returns an Invalid message.
    /// </summary>
    public static JsonRpcMessage Parse(ReadOnlyMemory<byte> utf8, int maxDepth = 64)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = maxDepth });
        }
        catch (JsonException e)
        {
            return Invalid(null, default, JsonRpcErrorCodes.ParseError, $"The message is not valid JSON: {e.Message}");
        }

        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            return Invalid(document, default, JsonRpcErrorCodes.InvalidRequest, "A JSON-RPC message must be an object (batches are not supported).");

        var id = root.TryGetProperty("id", out var idElement) ? idElement : default;
        if (id.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Null))
            return Invalid(document, default, JsonRpcErrorCodes.InvalidRequest, "\"id\" must be a string, a number or null.");
        if (!root.TryGetProperty("jsonrpc", out var version) || version.ValueKind != JsonValueKind.String || !version.ValueEquals("2.0"))
            return Invalid(document, id, JsonRpcErrorCodes.InvalidRequest, "\"jsonrpc\" must be \"2.0\".");

        if (root.TryGetProperty("method", out var methodElement))
        {
            if (methodElement.ValueKind != JsonValueKind.String || methodElement.GetString() is not { Length: > 0 } method)
                return Invalid(document, id, JsonRpcErrorCodes.InvalidRequest, "\"method\" must be a non-empty string.");
            var parameters = root.TryGetProperty("params", out var p) ? p : default;
            if (parameters.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Object or JsonValueKind.Null))
                return Invalid(document, id, JsonRpcErrorCodes.InvalidParams, "\"params\" must be an object (parameters are passed by name).");
            if (parameters.ValueKind == JsonValueKind.Null) parameters = default;
            var kind = id.ValueKind == JsonValueKind.Undefined ? JsonRpcMessageKind.Notification : JsonRpcMessageKind.Request;
            return new JsonRpcMessage(document, kind, id, method, parameters, default, null, null);
        }

        if (root.TryGetProperty("result", out var result))
            return new JsonRpcMessage(document, JsonRpcMessageKind.Response, id, null, default, result, null, null);

        if (root.TryGetProperty("error", out var errorElement) && errorElement.ValueKind == JsonValueKind.Object)
        {
            var code = errorElement.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : JsonRpcErrorCodes.InternalError;
            var message = errorElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "(no message)";
            JsonElement? data = errorElement.TryGetProperty("data", out var d) ? d : null;
            return new JsonRpcMessage(document, JsonRpcMessageKind.Response, id, null, default, default, new JsonRpcError(code, message, data), null);
        }

        return Invalid(document, id, JsonRpcErrorCodes.InvalidRequest, "The message has neither \"method\", \"result\" nor \"error\".");
    }

    public void Dispose() => _document?.Dispose();

    private static JsonRpcMessage Invalid(JsonDocument? document, JsonElement id, int code, string reason)
        => new(document, JsonRpcMessageKind.Invalid, id, null, default, default, null, reason) { InvalidCode = code };
}
