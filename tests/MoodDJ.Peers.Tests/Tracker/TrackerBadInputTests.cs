using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using MoodDJ.Peers.Tracker;
using static MoodDJ.Peers.Tests.Tracker.TrackerFixtures;

namespace MoodDJ.Peers.Tests.Tracker;

/// <summary>The tracker bad-input cases: each is counted, none is answered beyond its size, and the tracker keeps serving.</summary>
public sealed class TrackerBadInputTests
{
    private static readonly TimeSpan Silence = TimeSpan.FromMilliseconds(300);

    [Fact(Timeout = 30000)]
    public async Task An_announce_with_a_made_up_connection_id_is_dropped_counted_and_registers_nobody()
    {
        await using var server = StartServer();
        using var raw = new RawUdp(server.LocalEndPoint);
        var packet = new byte[TrackerProtocol.AnnounceRequestLength];
        TrackerCodec.WriteAnnounceRequest(packet, new AnnounceRequest(0x1122334455667788, 1, Hash('a'), PeerId.NewMoodDJ(), 0, 1, 0, AnnounceEvent.Started, 0, -1, 9000));
        raw.Send(packet);
        Assert.Null(await raw.ReceiveAsync(Silence));
        var scrape = new byte[36];
        TrackerCodec.WriteScrapeRequest(scrape, 42, 2, [Hash('a')]);
        raw.Send(scrape);
        Assert.Null(await raw.ReceiveAsync(Silence));
        var counters = await CountersWhen(server, c => c.Spoofed == 2);
        Assert.Equal((0, 0L, 0L), (counters.Peers, counters.Announces, counters.Scrapes));
    }

    [Fact(Timeout = 30000)]
    public async Task A_connection_id_issued_to_one_address_is_refused_from_another()
    {
        await using var server = StartServer(); // on 127.0.0.1: a datagram from 127.0.0.2 still reaches it
        using var honest = new RawUdp(server.LocalEndPoint);
        var id = await honest.ConnectAsync();
        // 127.0.0.2 is still this machine's loopback: a second "address" without leaving the host.
        using var other = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        other.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        var packet = new byte[TrackerProtocol.AnnounceRequestLength];
        TrackerCodec.WriteAnnounceRequest(packet, new AnnounceRequest(id, 1, Hash('b'), PeerId.NewMoodDJ(), 0, 1, 0, AnnounceEvent.Started, 0, -1, 9000));
        other.SendTo(packet, server.LocalEndPoint);
        await CountersWhen(server, c => c.Spoofed == 1);
        honest.Send(packet);
        var reply = await honest.ReceiveAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(reply);
        Assert.True(TrackerCodec.TryReadAnnounceResponse(reply, out _, out _));
        Assert.Equal(1, server.Counters.Peers);
    }

    [Fact(Timeout = 30000)]
    public async Task Junk_truncated_oversized_and_unknown_action_packets_are_counted_and_the_next_client_is_served()
    {
        await using var server = StartServer();
        using var raw = new RawUdp(server.LocalEndPoint);
        var id = await raw.ConnectAsync();

        raw.Send(new byte[16]);                                   // action 0 without the magic: junk
        raw.Send(new byte[] { 1, 2, 3 });                         // shorter than any header: truncated
        var shortAnnounce = new byte[60];
        BinaryPrimitives.WriteInt64BigEndian(shortAnnounce, id);
        BinaryPrimitives.WriteInt32BigEndian(shortAnnounce.AsSpan(8), 1);
        raw.Send(shortAnnounce);                                  // an announce cut at 60 bytes: truncated
        raw.Send(new byte[4000]);                                 // oversized
        var unknownUnproven = new byte[16];
        BinaryPrimitives.WriteInt32BigEndian(unknownUnproven.AsSpan(8), 99);
        raw.Send(unknownUnproven);                                // unknown action, no valid id: no reply at all
        Assert.Null(await raw.ReceiveAsync(Silence));

        var unknownProven = new byte[20];
        BinaryPrimitives.WriteInt64BigEndian(unknownProven, id);
        BinaryPrimitives.WriteInt32BigEndian(unknownProven.AsSpan(8), 99);
        BinaryPrimitives.WriteInt32BigEndian(unknownProven.AsSpan(12), 5);
        raw.Send(unknownProven);                                  // unknown action from a proven sender: a short error
        var error = await raw.ReceiveAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(error);
        Assert.True(error.Length <= unknownProven.Length);
        Assert.True(TrackerCodec.TryReadError(error, out var tid, out var message));
        Assert.Equal(5, tid);
        Assert.Equal("unknown", message[..7]);

        var counters = await CountersWhen(server, c => c.UnknownAction == 2);
        Assert.Equal((1L, 2L, 1L, 0L), (counters.Junk, counters.Truncated, counters.Oversized, counters.Failures));

        using var good = TrackerClient(server);
        var result = await good.AnnounceAsync(Announce(Hash('c'), 6100));
        Assert.Empty(result.Peers);
        Assert.Equal(1, server.Counters.Peers);
    }

    [Fact(Timeout = 60000)]
    public async Task No_reply_to_an_unproven_request_is_larger_than_the_request()
    {
        await using var server = StartServer();
        using var raw = new RawUdp(server.LocalEndPoint);
        var random = new Random(15);
        // Every size and action an attacker might forge with a source address it does not own.
        for (int i = 0; i < 300; i++)
        {
            var packet = new byte[random.Next(1, 200)];
            random.NextBytes(packet);
            if (packet.Length >= 12) BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(8), random.Next(-1, 5));
            var connect = i % 3 == 0 && packet.Length >= 16;
            if (connect)
            {
                BinaryPrimitives.WriteInt64BigEndian(packet, TrackerProtocol.ProtocolId);
                BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(8), 0);
            }
            raw.Send(packet);
            var reply = await raw.ReceiveAsync(TimeSpan.FromMilliseconds(connect ? 5000 : 20));
            if (connect) Assert.Equal(16, reply?.Length);
            if (reply is not null) Assert.True(reply.Length <= packet.Length, $"{reply.Length}-byte reply to a {packet.Length}-byte request");
        }
        Assert.Equal(0L, server.Counters.Failures);
    }

    [Fact(Timeout = 30000)]
    public async Task A_scrape_of_more_hashes_than_fit_a_reply_is_answered_for_the_first_74()
    {
        await using var server = StartServer();
        using var raw = new RawUdp(server.LocalEndPoint);
        var id = await raw.ConnectAsync();
        var hashes = Enumerable.Repeat(Hash('d'), 74).ToArray();
        var packet = new byte[16 + 74 * 20];
        TrackerCodec.WriteScrapeRequest(packet, id, 3, hashes);
        var longer = packet.Concat(new byte[20]).ToArray(); // 75 hashes, 1516 bytes: above MaxRequestBytes
        raw.Send(longer);
        Assert.Null(await raw.ReceiveAsync(Silence));
        raw.Send(packet);
        var reply = await raw.ReceiveAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(8 + 74 * 12, reply?.Length);
        Assert.Equal(1L, server.Counters.Oversized);
    }
}
