using System.Net;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Media.Srtp;

namespace MoodDJ.Station;

/// <summary>
/// A station's optional multicast feed (station:multicastGroup): its own sending socket, the group
/// as one extra listener, and the group's shared SRTP key when crypto is on.
/// </summary>
internal sealed class MulticastFeed : IDisposable
{
    private readonly IDatagramSocket _socket;

    private MulticastFeed(IDatagramSocket socket, Listener group, SrtpKeys? keys, RtpFanout fanout)
    {
        _socket = socket;
        Group = group;
        Keys = keys;
        Fanout = fanout;
    }

    public Listener Group { get; }

    /// <summary>The group's key (everyone allowed to subscribe may read it; nobody else), or null without crypto.</summary>
    public SrtpKeys? Keys { get; }

    public RtpFanout Fanout { get; }

    public static MulticastFeed Open(StationOptions options, IStreamTransport transport, bool encrypted, StationCounters counters, CancellationToken stopping)
    {
        var group = new IPEndPoint(IPAddress.Parse(options.MulticastGroup!), options.MulticastPort);
        var socket = StationPorts.OpenUdp(transport, "multicastPort", new DatagramSocketOptions
        {
            LocalEndPoint = new IPEndPoint(options.BindAddress, 0),
            MulticastTimeToLive = options.MulticastTimeToLive,
            MulticastInterface = options.BindAddress.Equals(IPAddress.Any) ? null : options.BindAddress,
            SendBufferBytes = 256 * 1024,
        });
        IRtpProtector protector = ClearRtp.Instance;
        SrtpKeys? keys = null;
        if (encrypted)
        {
            keys = SrtpKeys.Generate();
            protector = new SrtpProtector(keys);
        }
        return new MulticastFeed(socket, new Listener(0, UInt128.Zero, "multicast", group, protector, 0), keys, new RtpFanout(socket, counters, stopping, direct: options.DirectSend));
    }

    public void Dispose()
    {
        _socket.Dispose();
        Group.Retire();
    }
}
