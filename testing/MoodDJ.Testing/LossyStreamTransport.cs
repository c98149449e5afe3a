using System.Net;
using MoodDJ.Abstractions.Transport;

namespace MoodDJ.Testing;

/// <summary>
/// A stream transport whose sockets lose a fixed share of what they receive (seeded, so a run can be
/// repeated): link loss on every path into one peer, whichever sender it comes from. The mesh scenario
/// puts it under each peer; the station's own sockets stay whole.
/// </summary>
public sealed class LossyStreamTransport(IStreamTransport inner, double loss, int seed) : IStreamTransport
{
    private int _sockets;

    public IDatagramSocket Open(DatagramSocketOptions options) =>
        new LossySocket(inner.Open(options), loss, new Random(seed * 7919 + Interlocked.Increment(ref _sockets)));

    private sealed class LossySocket(IDatagramSocket inner, double loss, Random random) : IDatagramSocket
    {
        public IPEndPoint LocalEndPoint => inner.LocalEndPoint;

        public ValueTask SendToAsync(ReadOnlyMemory<byte> datagram, EndPoint remote, CancellationToken cancellationToken = default) =>
            inner.SendToAsync(datagram, remote, cancellationToken);

        public ValueTask SendToAsync(ReadOnlyMemory<byte> datagram, System.Net.SocketAddress remote, CancellationToken cancellationToken = default) =>
            inner.SendToAsync(datagram, remote, cancellationToken);

        public async ValueTask<DatagramReceived> ReceiveFromAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (true)
            {
                var received = await inner.ReceiveFromAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (!Lose()) return received;
            }
        }

        public async ValueTask<int> ReceiveFromAsync(Memory<byte> buffer, System.Net.SocketAddress remote, CancellationToken cancellationToken = default)
        {
            while (true)
            {
                var length = await inner.ReceiveFromAsync(buffer, remote, cancellationToken).ConfigureAwait(false);
                if (!Lose()) return length;
            }
        }

        private bool Lose()
        {
            lock (random) return random.NextDouble() < loss;
        }

        public System.Net.SocketAddress CreateAddressBuffer() => inner.CreateAddressBuffer();

        public void Dispose() => inner.Dispose();
    }
}
