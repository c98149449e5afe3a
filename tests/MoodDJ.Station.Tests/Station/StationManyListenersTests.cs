using System.Net;
using System.Net.Sockets;
using MoodDJ.Station;
using MoodDJ.Client;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Station.Tests.Station.Support;

namespace MoodDJ.Station.Tests.Station;

public sealed class StationManyListenersTests
{
    [Fact]
    public async Task Many_listeners_and_sessions_all_receive_every_packet_in_order_and_a_dead_one_hurts_nobody()
    {
        const int sessions = 8, perSession = 25;
        await using var harness = await StationHarness.StartAsync("none", s => s["station:maxListenersPerSession"] = perSession.ToString());
        var clients = new List<StationTestClient>();
        var sockets = new List<Socket>();
        try
        {
            for (var c = 0; c < sessions; c++)
            {
                var client = await StationTestClient.ConnectAsync(harness);
                clients.Add(client);
                await client.CallAsync(StationMethods.Hello, new HelloParams($"c{c}"));
                for (var l = 0; l < perSession; l++)
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 1 << 20, ReceiveTimeout = 10_000 };
                    socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                    sockets.Add(socket);
                    await client.CallAsync(StationMethods.Subscribe, new SubscribeParams(((IPEndPoint)socket.LocalEndPoint!).Port));
                }
            }
            Assert.Equal(sessions * perSession, harness.Station.Listeners.Count);
            // One listener's port dies: ICMP errors come back to the station, which carries on.
            sockets[0].Dispose();

            var buffer = new byte[2048];
            foreach (var socket in sockets.Skip(1))
            {
                // 20 packets in sequence: nothing lost, nothing reordered (the socket buffers hold what queued meanwhile).
                int? previous = null;
                var gaps = 0;
                for (var i = 0; i < 20; i++)
                {
                    var n = socket.Receive(buffer);
                    Assert.True(n > 12);
                    if (MoodDJ.Media.RtcpPacket.IsRtcp(buffer.AsSpan(0, n))) { i--; continue; }   // a sender report
                    var sequence = buffer[2] << 8 | buffer[3];
                    if (previous is { } p && (ushort)(sequence - p) != 1) gaps++;
                    previous = sequence;
                }
                Assert.True(gaps == 0, $"{gaps} gap(s) in the sequence at one listener");
            }
            Assert.True(harness.Station.Counters.FramesSkippedBusy == 0, $"{harness.Station.Counters.FramesSkippedBusy} frames skipped, send errors {harness.Station.Counters.SendErrors}");
        }
        finally
        {
            foreach (var s in sockets) s.Dispose();
            foreach (var c in clients) await c.DisposeAsync();
        }
    }
}
