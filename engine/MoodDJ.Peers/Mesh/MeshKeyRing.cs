using MoodDJ.Media.Srtp;

namespace MoodDJ.Peers.Mesh;

/// <summary>
/// The station's stream keys a peer holds, by the id each packet names: the newest and the one
/// before it (the grace period of a rotation). Thread-safe; decrypting is done under its lock.
/// </summary>
public sealed class MeshKeyRing : IDisposable
{
    private readonly SrtpContext?[] _contexts = new SrtpContext?[256];
    private readonly SrtcpContext?[] _rtcp = new SrtcpContext?[256];
    private readonly Lock _gate = new();
    private int _newest = -1, _previous = -1;

    private readonly string?[] _inline = new string?[256];

    /// <summary>Holds <paramref name="keys"/> under <paramref name="id"/>; the same id with other keys (a restarted station) replaces them.</summary>
    public void Add(byte id, SrtpKeys keys)
    {
        var inline = keys.ToInlineBase64();
        lock (_gate)
        {
            if (_inline[id] == inline) return;
            _contexts[id]?.Dispose();
            _contexts[id] = SrtpContext.Create(keys);
            _rtcp[id]?.Dispose();
            _rtcp[id] = SrtcpContext.Create(keys);
            _inline[id] = inline;
            if (id == _newest) return;   // the same id renewed: nothing shifts
            if (_previous >= 0 && _previous != id)
            {
                _contexts[_previous]?.Dispose();
                _contexts[_previous] = null;
                _rtcp[_previous]?.Dispose();
                _rtcp[_previous] = null;
                _inline[_previous] = null;
            }
            (_previous, _newest) = (_newest, id);
        }
    }

    public void Add(Protocol.Messages.MeshKeyEvent key) => Add((byte)key.KeyId, SrtpKeys.FromInlineBase64(key.StreamKey.KeyParams));

    /// <summary>Decrypts in place with the key <paramref name="id"/> names; false for an unknown key or a packet SRTP refuses.</summary>
    public bool TryUnprotect(Span<byte> packet, int length, byte id, out int rtpLength, out bool unknownKey)
    {
        lock (_gate)
        {
            rtpLength = 0;
            var context = _contexts[id];
            unknownKey = context is null;
            return context is not null && context.TryUnprotect(packet, length, out rtpLength, out _);
        }
    }

    /// <summary>Verifies and decrypts an SRTCP packet (the station's sender report) in place; false for an unknown key, a forgery or a replay (the second parent's copy).</summary>
    public bool TryUnprotectRtcp(Span<byte> packet, int length, byte id, out int rtcpLength, out bool unknownKey)
    {
        lock (_gate)
        {
            rtcpLength = 0;
            var context = _rtcp[id];
            unknownKey = context is null;
            return context is not null && context.TryUnprotect(packet, length, out rtcpLength, out _);
        }
    }

    /// <summary>Forgets every key (a new subscription: a restarted station reuses key ids with new keys).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            for (var i = 0; i < _contexts.Length; i++)
            {
                _contexts[i]?.Dispose();
                _contexts[i] = null;
                _rtcp[i]?.Dispose();
                _rtcp[i] = null;
                _inline[i] = null;
            }
            (_newest, _previous) = (-1, -1);
        }
    }

    public void Dispose() => Clear();
}
