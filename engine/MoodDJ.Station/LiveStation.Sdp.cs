using System.Net;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Media.Srtp;
using MoodDJ.Media;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Hosting;

namespace MoodDJ.Station;

// SDP descriptions of the stream, and the optional multicast feed.
public sealed partial class LiveStation
{
    private SrtpKeys? _multicastKeys;
    private IDatagramSocket? _multicastSocket;
    private RtpFanout? _multicastFanout;

    /// <summary>
    /// The SDP an RTP player needs to receive the stream at <paramref name="receiver"/>, with the
    /// <c>a=crypto</c> line when <paramref name="keys"/> is given (only ever sent over the sealed channel).
    /// </summary>
    public string DescribeStream(IPEndPoint receiver, SrtpKeys? keys, int? multicastTtl = null)
    {
        var packetizer = _packetizer ?? throw NotStarted();
        return new SdpDescription
        {
            SessionName = "MoodDJ station",
            SessionId = Ssrc,
            SessionVersion = 1,
            OriginAddress = StreamEndPoint.Address.Equals(IPAddress.Any) ? "127.0.0.1" : StreamEndPoint.Address.ToString(),
            ConnectionAddress = receiver.Address.ToString(),
            MulticastTtl = multicastTtl,
            Port = receiver.Port,
            PayloadType = packetizer.PayloadType,
            EncodingName = _parts.Codec.EncodingName,
            ClockRate = packetizer.ClockRate,
            Channels = _options.Channels,
            PacketTimeMs = _options.FrameMilliseconds,
            RtcpMux = true,
            Crypto = keys is null ? null : new SdpCrypto(1, SrtpKeys.Suite, keys.ToInlineBase64()),
        }.ToString();
    }

    /// <summary>The multicast group's SDP (with its shared key, when crypto is on), or null when multicast is off.</summary>
    public string? DescribeMulticast() => _multicast is null ? null
        : DescribeStream(_multicast.EndPoint, _multicastKeys, _options.MulticastTimeToLive);

    private Listener CreateMulticastListener()
    {
        var group = new IPEndPoint(IPAddress.Parse(_options.MulticastGroup!), _options.MulticastPort);
        _multicastSocket = Open("multicastPort", new DatagramSocketOptions
        {
            LocalEndPoint = new IPEndPoint(_options.BindAddress, 0),
            MulticastTimeToLive = _options.MulticastTimeToLive,
            MulticastInterface = _options.BindAddress.Equals(IPAddress.Any) ? null : _options.BindAddress,
            SendBufferBytes = 256 * 1024,
        });
        _multicastFanout = new RtpFanout(_multicastSocket, Counters, _stopping.Token);
        IRtpProtector protector = ClearRtp.Instance;
        if (_parts.Crypto.IsEncrypted)
        {
            // The group shares one key: everyone allowed to subscribe may read it; nobody else.
            _multicastKeys = SrtpKeys.Generate();
            protector = new SrtpProtector(_multicastKeys);
        }
        return new Listener(0, UInt128.Zero, "multicast", group, protector, 0);
    }
}
