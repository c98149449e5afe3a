using System.Net;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Peers.Mesh;

namespace MoodDJ.Station;

/// <summary>
/// The station's side of mesh repair: a peer it feeds directly sends a nack to the stream port for
/// packets it missed, and the station resends them from its last second of signed datagrams. Only a
/// registered direct peer, from its own address and under its own id, is answered, within
/// <see cref="MeshResendBudget.PerSecond"/>; anything else is counted as stream-port junk.
/// </summary>
internal sealed class MeshNackResponder(StationRouter stations, IDatagramSocket stream)
{
    private readonly byte[] _packet = new byte[Listener.MaxDatagramBytes];

    /// <summary>True when <paramref name="datagram"/> was a nack from a direct peer (answered or over budget).</summary>
    public async ValueTask<bool> TryAnswerAsync(ReadOnlyMemory<byte> datagram, SocketAddress from, CancellationToken cancellationToken)
    {
        if (!MeshWire.TryReadHeader(datagram.Span, out var type, out var sender) || type != MeshMessage.Nack
            || !MeshWire.TryReadNack(datagram.Span, out var first, out var count))
            return false;
        foreach (var station in stations.Stations)
        {
            foreach (var listener in station.Listeners.Snapshot)
            {
                if (listener.Id != sender || listener.Mesh is not { Direct: true } peer || !listener.Address.Equals(from)) continue;
                for (var i = 0; i < count; i++)
                {
                    if (!station.MeshFeed.TryCopyRecent((ushort)(first + i), _packet, out var length)) continue;
                    if (!peer.TakeResend()) return true;
                    try
                    {
                        await stream.SendToAsync(_packet.AsMemory(0, length), listener.Address, cancellationToken).ConfigureAwait(false);
                        Interlocked.Increment(ref station.Counters.meshResent);
                    }
                    catch (Exception e) when (e is System.Net.Sockets.SocketException or ObjectDisposedException) { }
                }
                return true;
            }
        }
        return false;
    }
}
