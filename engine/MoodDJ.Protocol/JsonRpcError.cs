using System.Text.Json;

namespace MoodDJ.Protocol;

/// <summary>JSON-RPC 2.0 error codes: the standard ones and MoodDJ's own (-32000..-32099, "server error").</summary>
public static class JsonRpcErrorCodes
{
    public const int ParseError = -32700;
    public const int InvalidRequest = -32600;
    public const int MethodNotFound = -32601;
    public const int InvalidParams = -32602;
    public const int InternalError = -32603;

    /// <summary>The server has no room for another connection; try again later.</summary>
    public const int ServerFull = -32000;
    /// <summary>The session is not allowed to do this (e.g. before hello/auth).</summary>
    public const int Unauthorized = -32001;
    /// <summary>The request is valid but not now (e.g. resume while playing, seek with nothing playing).</summary>
    public const int InvalidState = -32002;
    /// <summary>The thing named does not exist (track, source, listener).</summary>
    public const int NotFound = -32003;
    /// <summary>A dependency failed (music source, mood analyzer); the message says which.</summary>
    public const int Unavailable = -32004;
    /// <summary>The result would exceed the message size limit.</summary>
    public const int TooLarge = -32005;
    /// <summary>The client speaks another crypto scheme (a refusal frame; data.crypto names the station's).</summary>
    public const int CryptoMismatch = -32006;
}

/// <summary>The error object of a JSON-RPC response.</summary>
public sealed record JsonRpcError(int Code, string Message, JsonElement? Data = null);

/// <summary>
/// Thrown by a handler (or returned to a client) to answer a request with a JSON-RPC error.
/// </summary>
public class JsonRpcException(int code, string message, JsonElement? data = null) : Exception(message)
{
    public int Code { get; } = code;

    public JsonElement? ErrorData { get; } = data;

    public JsonRpcError ToError() => new(Code, Message, ErrorData);

    public static JsonRpcException MethodNotFound(string method)
        => new(JsonRpcErrorCodes.MethodNotFound, $"Method '{method}' does not exist.");

    public static JsonRpcException InvalidParams(string what)
        => new(JsonRpcErrorCodes.InvalidParams, what);
}
