using System.Net;
using MoodDJ.Peers.Mesh;

namespace MoodDJ.Station;

/// <summary>
/// The station's side of mesh repair: a peer it feeds directly sends a nack to the stream port for
/// packets it missed, and the station resends them from its last 128 signed datagrams. Only a
/// registered direct peer, from its own address and under its own id, is answered, within
/// <see cref="MeshResendBudget.PerSecond"/>; anything else is counted as stream-port junk. The caller
/// sends (the stream port's drain loop, on whichever socket path the fan-out uses).
/// </summary>
internal sealed class MeshNackResponder(StationRouter stations)
{
    private readonly byte[] _packet = new byte[Listener.MaxDatagramBytes];

    /// <summary>
    /// The packets to resend to <paramref name="from"/>, each in a buffer reused for the next one (send it
    /// before moving on), or null when <paramref name="datagram"/> is not a nack from a direct peer.
    /// </summary>
    public IEnumerable<ReadOnlyMemory<byte>>? Answer(ReadOnlyMemory<byte> datagram, SocketAddress from)
    {
        if (!MeshWire.TryReadHeader(datagram.Span, out var type, out var sender) || type != MeshMessage.Nack
            || !MeshWire.TryReadNack(datagram.Span, out var first, out var count))
            return null;
        foreach (var station in stations.Stations)
            foreach (var listener in station.Listeners.Snapshot)
                if (listener.Id == sender && listener.Mesh is { Direct: true } peer && listener.Address.Equals(from))
                    return Resend(station, peer, first, count);
        return null;
    }

    private IEnumerable<ReadOnlyMemory<byte>> Resend(LiveStation station, MeshPeer peer, ushort first, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (!station.MeshFeed.TryCopyRecent((ushort)(first + i), _packet, out var length)) continue;
            if (!peer.TakeResend()) yield break;
            Interlocked.Increment(ref station.Counters.meshResent);
            yield return _packet.AsMemory(0, length);
        }
    }
}
