using MoodDJ.Peers.Tracker;

namespace MoodDJ.Peers.Tests.Tracker;

public sealed class TrackerCodecTests
{
    private static readonly InfoHash Hash = InfoHash.FromSwarmId("0123456789abcdef0123456789abcdef01234567");

    [Fact]
    public void Connect_request_and_reply_round_trip_in_16_bytes()
    {
        var buffer = new byte[16];
        Assert.Equal(16, TrackerCodec.WriteConnectRequest(buffer, 77));
        Assert.True(TrackerCodec.TryReadConnectRequest(buffer, out var tid));
        Assert.Equal(77, tid);
        Assert.Equal(16, TrackerCodec.WriteConnectResponse(buffer, 78, -5));
        Assert.True(TrackerCodec.TryReadConnectResponse(buffer, out tid, out var id));
        Assert.Equal((78, -5L), (tid, id));
        buffer[0] ^= 1;
        Assert.False(TrackerCodec.TryReadConnectRequest(buffer, out _));
    }

    [Fact]
    public void Announce_request_round_trips_every_field()
    {
        var request = new AnnounceRequest(42, 7, Hash, PeerId.NewMoodDJ(), 1, 2, 3, AnnounceEvent.Started, 0xdeadbeef, 25, 6881);
        var buffer = new byte[TrackerProtocol.AnnounceRequestLength];
        Assert.Equal(98, TrackerCodec.WriteAnnounceRequest(buffer, request));
        Assert.True(TrackerCodec.TryReadAnnounceRequest(buffer, out var read));
        Assert.Equal(request, read);
        Assert.False(TrackerCodec.TryReadAnnounceRequest(buffer.AsSpan(0, 97), out _));
        Assert.Equal("0123456789abcdef0123456789abcdef01234567", read.InfoHash.ToString());
    }

    [Fact]
    public void Announce_reply_round_trips_and_rejects_a_partial_peer()
    {
        var buffer = new byte[20 + 12];
        var n = TrackerCodec.WriteAnnounceResponseHeader(buffer, new AnnounceResponseHeader(9, 60, 1, 2));
        n += TrackerCodec.WritePeer(buffer.AsSpan(n), new TrackerPeer(0x7f000001, 5000));
        n += TrackerCodec.WritePeer(buffer.AsSpan(n), new TrackerPeer(0x0a000002, 6000));
        Assert.True(TrackerCodec.TryReadAnnounceResponse(buffer.AsSpan(0, n), out var header, out var peers));
        Assert.Equal(new AnnounceResponseHeader(9, 60, 1, 2), header);
        Assert.Equal("127.0.0.1:5000", TrackerCodec.ReadPeer(peers).ToString());
        Assert.Equal("10.0.0.2:6000", TrackerCodec.ReadPeer(peers[6..]).ToString());
        Assert.False(TrackerCodec.TryReadAnnounceResponse(buffer.AsSpan(0, n - 1), out _, out _));
    }

    [Fact]
    public void Scrape_request_and_reply_round_trip()
    {
        var other = InfoHash.FromSwarmId(new string('f', 40));
        var buffer = new byte[16 + 40];
        Assert.Equal(56, TrackerCodec.WriteScrapeRequest(buffer, 5, 6, [Hash, other]));
        Assert.True(TrackerCodec.TryReadScrapeRequest(buffer, out var id, out var tid, out var hashes));
        Assert.Equal((5L, 6), (id, tid));
        Assert.Equal(Hash, InfoHash.Read(hashes));
        Assert.Equal(other, InfoHash.Read(hashes[20..]));
        var reply = new byte[8 + 12];
        TrackerCodec.WriteScrapeResponseHeader(reply, 6);
        TrackerCodec.WriteScrapeEntry(reply.AsSpan(8), new ScrapeEntry(3, 4, 5));
        Assert.Equal(new ScrapeEntry(3, 4, 5), TrackerCodec.ReadScrapeEntry(reply.AsSpan(8)));
    }

    [Fact]
    public void Error_reply_is_cut_to_the_room_given()
    {
        var buffer = new byte[12];
        Assert.Equal(12, TrackerCodec.WriteError(buffer, 3, "a long message"));
        Assert.True(TrackerCodec.TryReadError(buffer, out var tid, out var message));
        Assert.Equal((3, "a lo"), (tid, message));
    }

    [Fact]
    public void A_swarm_id_that_is_not_40_hex_digits_is_named()
    {
        var e = Assert.Throws<ArgumentException>(() => InfoHash.FromSwarmId("abc"));
        Assert.Contains("'abc'", e.Message);
    }
}
