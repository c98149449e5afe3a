using System.Net;
using System.Net.Sockets;
using MoodDJ.Client;
using MoodDJ.Media;
using MoodDJ.Media.Srtp;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Station.Tests.Station.Support;

namespace MoodDJ.Station.Tests.Station;

/// <summary>One server, two stations on the same control, stream and heartbeat ports: each session is routed by hello's station.</summary>
public sealed class StationRouterTests
{
    [Fact]
    public async Task Two_stations_share_the_ports_and_each_client_hears_its_own_station()
    {
        await using var harness = await StationHarness.StartAsync("aead", stationIds: ["jazz", "rock"]);
        var jazz = harness.Station.Router.Stations[0];
        var rock = harness.Station.Router.Stations[1];
        Assert.NotEqual(jazz.Ssrc, rock.Ssrc);
        Assert.Equal(jazz.StreamEndPoint, rock.StreamEndPoint);
        Assert.Equal(jazz.HeartbeatEndPoint, rock.HeartbeatEndPoint);

        await using var jazzClient = await harness.ConnectControlClientAsync("jazz fan", "jazz");
        await using var rockClient = await harness.ConnectControlClientAsync("rock fan", "rock");
        Assert.Equal("jazz", jazzClient.LastHello!.StationId);
        Assert.Equal("rock", rockClient.LastHello!.StationId);
        Assert.Equal(["jazz", "rock"], jazzClient.LastHello.Stations);

        using var jazzEar = Receiver();
        using var rockEar = Receiver();
        var jazzSub = await jazzClient.SubscribeAsync(PortOf(jazzEar));
        var rockSub = await rockClient.SubscribeAsync(PortOf(rockEar));
        Assert.Equal(jazz.Ssrc, jazzSub.Ssrc);
        Assert.Equal(rock.Ssrc, rockSub.Ssrc);
        Assert.Equal(1, jazz.Listeners.Count);
        Assert.Equal(1, rock.Listeners.Count);

        var calm = await jazzClient.PromptAsync("I feel calm and relaxed");
        var angry = await rockClient.PromptAsync("I am so angry and furious!");
        Assert.NotEqual(calm.Mood.Label, angry.Mood.Label);
        Assert.Equal(calm.Mood.Label, (await jazzClient.StatusAsync()).NowPlaying.Mood?.Label);
        Assert.Equal(angry.Mood.Label, (await rockClient.StatusAsync()).NowPlaying.Mood?.Label);

        // Each ear gets only its own station's SSRC, decrypted with its own session's key.
        Assert.Equal(jazz.Ssrc, ReadSsrc(jazzEar, jazzSub));
        Assert.Equal(rock.Ssrc, ReadSsrc(rockEar, rockSub));

        // The shared heartbeat port keeps each listener alive on its own station.
        using var heartbeat = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 5000 };
        heartbeat.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        foreach (var sub in new[] { jazzSub, rockSub })
        {
            Assert.True(HeartbeatDatagram.TryParseToken(sub.Token, out var token));
            var datagram = new byte[HeartbeatDatagram.Size];
            new HeartbeatDatagram(HeartbeatType.Heartbeat, token, 1).WriteTo(datagram);
            heartbeat.SendTo(datagram, new IPEndPoint(IPAddress.Loopback, sub.HeartbeatPort));
            var reply = new byte[64];
            var length = heartbeat.Receive(reply);
            Assert.True(HeartbeatDatagram.TryRead(reply.AsSpan(0, length), out var answer));
            Assert.Equal(HeartbeatType.Alive, answer.Type);
        }

        var unknown = await Assert.ThrowsAsync<JsonRpcException>(() => jazzClient.HelloAsync("lost", "blues"));
        Assert.Equal(JsonRpcErrorCodes.NotFound, unknown.Code);
        Assert.Contains("jazz, rock", unknown.Message);
    }

    [Fact]
    public async Task A_hello_without_a_station_goes_to_the_default_one()
    {
        await using var harness = await StationHarness.StartAsync("none", stationIds: ["main", "side"]);
        await using var client = await harness.ConnectControlClientAsync("anyone");
        Assert.Equal("main", client.LastHello!.StationId);
        Assert.Same(harness.Station.Default, harness.Station.Router.Stations[0]);
    }

    private static uint ReadSsrc(Socket ear, SubscribeResult subscription)
    {
        using var srtp = SrtpContext.Create(SrtpKeys.FromInlineBase64(subscription.Srtp!.KeyParams));
        var buffer = new byte[2048];
        for (var i = 0; i < 200; i++)
        {
            var length = ear.Receive(buffer);
            if (RtcpPacket.IsRtcp(buffer.AsSpan(0, length))) continue;
            Assert.True(srtp.TryUnprotect(buffer, length, out var rtpLength), "a packet failed SRTP authentication with this session's key");
            Assert.True(RtpHeader.TryParse(buffer.AsSpan(0, rtpLength), out var header));
            return header.Ssrc;
        }
        throw new Xunit.Sdk.XunitException("no RTP arrived");
    }

    private static Socket Receiver()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 10000, ReceiveBufferSize = 1 << 20 };
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static int PortOf(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;
}
