using System.Net;
using System.Net.Sockets;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Media;

namespace MoodDJ.Station;

/// <summary>
/// The UDP ports every station of a server shares: the stream port (RTP out, RTCP muxed on it,
/// RFC 5761) and the heartbeat port. What arrives on them is counted in <see cref="Counters"/>
/// (the default station's counters).
/// </summary>
internal sealed class StationPorts : IDisposable
{
    private StationPorts(IDatagramSocket stream, IDatagramSocket heartbeat, StationCounters counters, bool directSend)
    {
        Stream = stream;
        Direct = directSend ? stream as IDirectDatagramSocket : null;
        Heartbeat = heartbeat;
        Counters = counters;
    }

    public IDatagramSocket Stream { get; }

    /// <summary>The stream socket for synchronous use only (station:directSend and a transport that offers it), else null.</summary>
    public IDirectDatagramSocket? Direct { get; }

    public IDatagramSocket Heartbeat { get; }

    public StationCounters Counters { get; }

    public static StationPorts Open(StationOptions options, IStreamTransport transport, StationCounters counters)
    {
        var bind = options.BindAddress;
        var stream = OpenUdp(transport, "streamPort", new DatagramSocketOptions
        {
            LocalEndPoint = new IPEndPoint(bind, options.StreamPort),
            SendBufferBytes = options.SendBufferBytes,
            ReceiveBufferBytes = 256 * 1024,
        });
        try
        {
            var heartbeat = OpenUdp(transport, "heartbeatPort", new DatagramSocketOptions
            {
                LocalEndPoint = new IPEndPoint(bind, options.HeartbeatPort),
                ReceiveBufferBytes = 1 << 20,
            });
            return new StationPorts(stream, heartbeat, counters, options.DirectSend);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Opens a UDP socket; a taken port becomes an error that names the setting to change.</summary>
    public static IDatagramSocket OpenUdp(IStreamTransport transport, string key, DatagramSocketOptions options)
    {
        try
        {
            return transport.Open(options);
        }
        catch (AddressInUseException e)
        {
            throw new InvalidOperationException($"Cannot bind UDP {options.LocalEndPoint}: the address is in use; set station:{key} to a free port.", e);
        }
        catch (SocketException e)
        {
            throw new InvalidOperationException($"Cannot bind UDP {options.LocalEndPoint} ({e.SocketErrorCode}); set station:{key} to a free port.", e);
        }
    }

    /// <summary>Told the source of each RTCP packet on the stream port: a player's punch says its NAT now lets the stream in.</summary>
    public Action<SocketAddress>? Punched { get; set; }

    /// <summary>Answers mesh nacks from directly fed peers (set by the server once its stations are known).</summary>
    public MeshNackResponder? Nacks { get; set; }

    /// <summary>Counts whatever arrives on the stream port (RTCP receiver reports, junk), notes punches and answers mesh nacks.</summary>
    public Task DrainStreamPortAsync(CancellationToken cancellationToken) => Direct is { } direct
        ? Task.Factory.StartNew(() => DrainDirect(direct.Socket, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default)
        : DrainAsync(cancellationToken);

    /// <summary>
    /// The fan-out sends on this socket synchronously; receiving with poll(2) and a synchronous read on a
    /// thread of its own keeps it out of .NET's epoll engine too (see <see cref="IDirectDatagramSocket"/>).
    /// </summary>
    private void DrainDirect(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[2048];
        var from = new SocketAddress(socket.AddressFamily);
        while (!cancellationToken.IsCancellationRequested)
        {
            int length;
            try
            {
                if (!socket.Poll(200_000, SelectMode.SelectRead)) continue;
                length = socket.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) when (!cancellationToken.IsCancellationRequested) { continue; }
            catch (SocketException) { return; }
            Interlocked.Increment(ref Counters.streamPortDatagrams);
            if (RtcpPacket.IsRtcp(buffer.AsSpan(0, length)))
            {
                Punched?.Invoke(from);
                continue;
            }
            if (Nacks?.Answer(buffer.AsMemory(0, length), from) is { } resends)
            {
                foreach (var packet in resends)
                {
                    try { socket.SendTo(packet.Span, SocketFlags.None, from); }
                    catch (SocketException) { }   // a full buffer: the peer conceals that frame
                }
                continue;
            }
            Interlocked.Increment(ref Counters.streamPortJunk);
        }
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[2048];
        var from = Stream.CreateAddressBuffer();
        while (!cancellationToken.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await Stream.ReceiveFromAsync(buffer, from, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { continue; }
            Interlocked.Increment(ref Counters.streamPortDatagrams);
            if (RtcpPacket.IsRtcp(buffer.AsSpan(0, length)))
            {
                Punched?.Invoke(from);
                continue;
            }
            if (Nacks?.Answer(buffer.AsMemory(0, length), from) is { } resends)
            {
                foreach (var packet in resends)
                {
                    try { await Stream.SendToAsync(packet, from, cancellationToken).ConfigureAwait(false); }
                    catch (SocketException) { }
                }
                continue;
            }
            Interlocked.Increment(ref Counters.streamPortJunk);
        }
    }

    public void Dispose()
    {
        Stream.Dispose();
        Heartbeat.Dispose();
    }
}
