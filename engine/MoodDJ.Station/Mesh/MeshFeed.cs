using MoodDJ.Media.Srtp;
using MoodDJ.Peers.Mesh;

namespace MoodDJ.Station;

/// <summary>
/// The station's one mesh stream: each frame is protected once with the shared SRTP key, tagged
/// with the key's id and signed with the station's Ed25519 key, and those same bytes go to every
/// peer the station feeds (through <see cref="MeshProtector"/>). The key rotates: the next key is
/// announced (<see cref="KeyAnnounced"/>) <see cref="AnnounceLead"/> before packets use it, so
/// every peer holds it in time. Runs on the pump's thread, except the rotation timer's announce.
/// </summary>
public sealed class MeshFeed : IDisposable
{
    /// <summary>How long before a new key is used that it is handed to the peers.</summary>
    public static readonly TimeSpan AnnounceLead = TimeSpan.FromSeconds(2);

    private readonly byte[] _datagram = new byte[Listener.MaxDatagramBytes];
    private readonly TimeSpan _rotation;
    private readonly TimeProvider _time;
    private KeySlot _current;
    private KeySlot? _next;
    private long _nextRotation;
    private int _length;

    private sealed record KeySlot(byte Id, SrtpKeys Keys, SrtpContext Context)
    {
        public SrtcpContext Rtcp { get; } = SrtcpContext.Create(Keys);
    }

    public MeshFeed(TimeSpan rotation, TimeProvider? time = null)
    {
        _rotation = rotation;
        _time = time ?? TimeProvider.System;
        var keys = SrtpKeys.Generate();
        _current = new KeySlot(1, keys, SrtpContext.Create(keys));
        _nextRotation = rotation > TimeSpan.Zero ? _time.GetTimestamp() + (long)(rotation.TotalSeconds * _time.TimestampFrequency) : long.MaxValue;
    }

    public StreamSigner Signer { get; } = new();

    /// <summary>Raised on the pump's thread with a key id and its key, <see cref="AnnounceLead"/> before it is used.</summary>
    public event Action<byte, SrtpKeys>? KeyAnnounced;

    /// <summary>The key packets use now, and its id (what a subscribing peer gets).</summary>
    public (byte Id, SrtpKeys Keys) CurrentKey { get { var c = Volatile.Read(ref _current); return (c.Id, c.Keys); } }

    /// <summary>The key announced but not used yet, if any (a peer subscribing in between gets it too).</summary>
    public (byte Id, SrtpKeys Keys)? NextKey => Volatile.Read(ref _next) is { } n ? (n.Id, n.Keys) : null;

    /// <summary>Peers the station feeds now; with none, frames are not signed at all.</summary>
    internal int DirectPeers;

    /// <summary>The signed datagram of the frame being sent.</summary>
    internal ReadOnlySpan<byte> Datagram => _datagram.AsSpan(0, _length);

    public long PacketsSigned { get; private set; }

    /// <summary>Protects and signs one frame; called before the fan-out sends it.</summary>
    public void Prepare(ReadOnlySpan<byte> rtp)
    {
        Rotate();
        if (Volatile.Read(ref DirectPeers) == 0 || rtp.Length + SrtpContext.TagLength + MeshPacket.TrailerLength > _datagram.Length)
        {
            _length = 0;
            return;
        }
        rtp.CopyTo(_datagram);
        var srtp = _current.Context.Protect(_datagram, rtp.Length);
        _length = MeshPacket.Seal(_datagram, srtp, _current.Id, Signer);
        PacketsSigned++;
        lock (_recentGate)
        {
            _datagram.AsSpan(0, _length).CopyTo(_recent[_recentNext]);
            _recentLengths[_recentNext] = _length;
            _recentNext = (_recentNext + 1) % _recent.Length;
            _recentCount = Math.Min(_recentCount + 1, _recent.Length);
        }
    }

    // The last second or so of signed datagrams, so a peer the station starts feeding after it lost
    // its parent gets what it missed (see MeshMethods.Parents).
    private readonly Lock _recentGate = new();
    private readonly byte[][] _recent = Enumerable.Range(0, 128).Select(_ => new byte[Listener.MaxDatagramBytes]).ToArray();
    private readonly int[] _recentLengths = new int[128];
    private int _recentNext, _recentCount;

    /// <summary>Copies the held datagram with <paramref name="sequence"/> into <paramref name="into"/>; false when it is no longer held.</summary>
    internal bool TryCopyRecent(ushort sequence, Span<byte> into, out int length)
    {
        lock (_recentGate)
        {
            for (var i = 0; i < _recentCount; i++)
            {
                var slot = (_recentNext - 1 - i + _recent.Length) % _recent.Length;
                var packet = _recent[slot].AsSpan(0, _recentLengths[slot]);
                if (MeshPacket.Sequence(packet) != sequence || packet.Length > into.Length) continue;
                packet.CopyTo(into);
                length = packet.Length;
                return true;
            }
        }
        length = 0;
        return false;
    }

    private readonly byte[] _rtcpDatagram = new byte[Listener.MaxDatagramBytes];
    private int _rtcpLength;

    /// <summary>The signed SRTCP datagram of the report being sent (empty when none).</summary>
    internal ReadOnlySpan<byte> RtcpDatagram => _rtcpDatagram.AsSpan(0, _rtcpLength);

    /// <summary>
    /// Protects an RTCP compound packet once as SRTCP with the shared key and signs it like media, so
    /// relays forward the station's sender reports unchanged and every peer's player trusts them.
    /// </summary>
    internal void PrepareRtcp(ReadOnlySpan<byte> rtcp)
    {
        if (Volatile.Read(ref DirectPeers) == 0 || rtcp.Length + SrtcpContext.Overhead + MeshPacket.TrailerLength > _rtcpDatagram.Length)
        {
            _rtcpLength = 0;
            return;
        }
        rtcp.CopyTo(_rtcpDatagram);
        var srtcp = _current.Rtcp.Protect(_rtcpDatagram, rtcp.Length);
        _rtcpLength = MeshPacket.Seal(_rtcpDatagram, srtcp, _current.Id, Signer);
    }

    /// <summary>Copies of the held datagrams whose sequence number is after <paramref name="after"/>, oldest first.</summary>
    internal List<byte[]> RecentAfter(ushort after)
    {
        var found = new List<byte[]>();
        lock (_recentGate)
        {
            for (var i = 0; i < _recentCount; i++)
            {
                var slot = (_recentNext - _recentCount + i + _recent.Length) % _recent.Length;
                var packet = _recent[slot].AsSpan(0, _recentLengths[slot]);
                if ((short)(MeshPacket.Sequence(packet) - after) > 0) found.Add(packet.ToArray());
            }
        }
        return found;
    }

    private void Rotate()
    {
        var now = _time.GetTimestamp();
        if (now < _nextRotation) return;
        if (_next is null)
        {
            var keys = SrtpKeys.Generate();
            var id = (byte)(_current.Id == 255 ? 1 : _current.Id + 1);
            Volatile.Write(ref _next, new KeySlot(id, keys, SrtpContext.Create(keys)));
            KeyAnnounced?.Invoke(id, keys);
            _nextRotation = now + (long)(AnnounceLead.TotalSeconds * _time.TimestampFrequency);
            return;
        }
        var old = _current;
        Volatile.Write(ref _current, _next);
        Volatile.Write(ref _next, null);
        old.Context.Dispose();
        old.Rtcp.Dispose();
        _nextRotation = now + (long)(_rotation.TotalSeconds * _time.TimestampFrequency);
    }

    public void Dispose()
    {
        _current.Context.Dispose();
        _current.Rtcp.Dispose();
        _next?.Context.Dispose();
        _next?.Rtcp.Dispose();
        Signer.Dispose();
    }
}

/// <summary>A directly fed peer's "protection": the frame the <see cref="MeshFeed"/> already protected and signed.</summary>
internal sealed class MeshProtector(MeshFeed feed) : IRtpProtector
{
    public int Overhead => SrtpContext.TagLength + MeshPacket.TrailerLength;

    public int Protect(Span<byte> packet, int rtpLength)
    {
        var datagram = feed.Datagram;
        datagram.CopyTo(packet);
        return datagram.Length;
    }

    public bool CarriesRtcp => !feed.RtcpDatagram.IsEmpty;

    public int ProtectRtcp(Span<byte> packet, int rtcpLength)
    {
        var datagram = feed.RtcpDatagram;
        datagram.CopyTo(packet);
        return datagram.Length;
    }
}
