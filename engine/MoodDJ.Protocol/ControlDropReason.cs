namespace MoodDJ.Protocol;

/// <summary>Why a control connection was closed by this side (or refused); each is counted.</summary>
public enum ControlDropReason
{
    /// <summary>More connections than the configured maximum: refused with a JSON-RPC error.</summary>
    ServerFull,
    /// <summary>The handshake did not finish within the handshake timeout.</summary>
    HandshakeTimeout,
    /// <summary>The handshake failed (wrong key, wrong crypto plugin, malformed message).</summary>
    HandshakeFailed,
    /// <summary>Frame-level violation: oversized frame, truncated frame.</summary>
    FrameProtocol,
    /// <summary>A sealed frame did not open: tampered, replayed, or sealed with another key.</summary>
    Authentication,
    /// <summary>Split/reassembly violation: bad header, message over the cap, too many partial messages, replayed message id.</summary>
    MessageProtocol,
    /// <summary>Nothing arrived within the idle timeout.</summary>
    IdleTimeout,
    /// <summary>The peer stopped reading and its send queue overflowed.</summary>
    SendQueueOverflow,
    /// <summary>The socket failed (reset by the peer, network error).</summary>
    ConnectionError,
    /// <summary>The server is stopping.</summary>
    ServerStopping,
    /// <summary>The handler closed the session on purpose.</summary>
    ClosedByHandler,
}

/// <summary>A peer broke the control protocol above the framing; the connection is dropped for <see cref="Reason"/>.</summary>
public sealed class ControlProtocolException(ControlDropReason reason, string message) : Exception(message)
{
    public ControlDropReason Reason { get; } = reason;
}

/// <summary>The server refused the connection (e.g. it is full); the message is the server's JSON-RPC error.</summary>
public sealed class ControlRefusedException(int code, string message, System.Text.Json.JsonElement? data = null) : IOException(message)
{
    public int Code { get; } = code;

    /// <summary>The error's data member, if it had one (a crypto mismatch names the station's scheme there).</summary>
    public System.Text.Json.JsonElement? ErrorData { get; } = data;
}

/// <summary>The handshake did not finish within the handshake timeout.</summary>
public sealed class HandshakeTimeoutException(string message, Exception? inner = null)
    : MoodDJ.Abstractions.Crypto.CryptoHandshakeException(message, inner);
