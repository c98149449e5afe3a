namespace MoodDJ.Peers.Swarm;

/// <summary>Message ids of the peer wire protocol (BEP 3) and the extension protocol (BEP 10).</summary>
public enum PeerMessageId : byte
{
    Choke = 0,
    Unchoke = 1,
    Interested = 2,
    NotInterested = 3,
    Have = 4,
    Bitfield = 5,
    Request = 6,
    Piece = 7,
    Cancel = 8,
    Port = 9,
    Extended = 20,
    /// <summary>Not on the wire: a zero-length keep-alive.</summary>
    KeepAlive = 255,
}

/// <summary>A message just read from a peer. <see cref="Payload"/> is the connection's own buffer and is valid
/// until the next read, so steady-state reading allocates nothing.</summary>
public readonly record struct PeerWireMessage(PeerMessageId Id, ReadOnlyMemory<byte> Payload);

/// <summary>The peer broke the protocol (bad length, index out of range, bad hash...). The connection is dropped.</summary>
public sealed class PeerProtocolException(string message) : Exception(message);
