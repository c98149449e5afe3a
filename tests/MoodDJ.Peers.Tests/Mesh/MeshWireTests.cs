using System.Net;
using MoodDJ.Media.Srtp;
using MoodDJ.Peers.Mesh;

namespace MoodDJ.Peers.Tests.Mesh;

/// <summary>The mesh's pure parts: signatures, tickets, the sequence window, control datagrams and the key ring.</summary>
public sealed class MeshWireTests
{
    [Fact]
    public void A_signed_packet_opens_and_any_changed_byte_does_not()
    {
        using var signer = new StreamSigner();
        var verifier = StreamVerifier.FromBase64(signer.PublicKeyBase64);
        var buffer = new byte[300];
        buffer[0] = 0x80;
        Random.Shared.NextBytes(buffer.AsSpan(1, 199));
        var length = MeshPacket.Seal(buffer, 200, keyId: 7, signer);
        Assert.True(MeshPacket.TryOpen(buffer.AsSpan(0, length), verifier, out var srtp, out var id));
        Assert.Equal((200, (byte)7), (srtp, id));
        foreach (var at in new[] { 5, 150, 200, length - 1 })
        {
            buffer[at] ^= 1;
            Assert.False(MeshPacket.TryOpen(buffer.AsSpan(0, length), verifier, out _, out _));
            buffer[at] ^= 1;
        }
        Assert.False(MeshPacket.TryOpen(buffer.AsSpan(0, 40), verifier, out _, out _));   // truncated
        Assert.Throws<FormatException>(() => StreamVerifier.FromBase64("not base64!"));
        Assert.Throws<FormatException>(() => StreamVerifier.FromBase64(Convert.ToBase64String(new byte[7])));
    }

    [Fact]
    public void A_ticket_holds_only_for_its_peer_its_address_and_its_time()
    {
        using var signer = new StreamSigner();
        var verifier = StreamVerifier.FromBase64(signer.PublicKeyBase64);
        var now = DateTimeOffset.UtcNow;
        var ticket = Convert.FromBase64String(MeshTicket.Issue(signer, 42, IPAddress.Loopback, now.AddMinutes(5)));
        Assert.True(MeshTicket.Verify(ticket, verifier, 42, IPAddress.Loopback, now));
        Assert.True(MeshTicket.Verify(ticket, verifier, 42, IPAddress.Loopback.MapToIPv6(), now));
        Assert.False(MeshTicket.Verify(ticket, verifier, 43, IPAddress.Loopback, now));
        Assert.False(MeshTicket.Verify(ticket, verifier, 42, IPAddress.Parse("127.0.0.2"), now));
        Assert.False(MeshTicket.Verify(ticket, verifier, 42, IPAddress.Loopback, now.AddMinutes(10)));
        using var other = new StreamSigner();
        Assert.False(MeshTicket.Verify(ticket, StreamVerifier.FromBase64(other.PublicKeyBase64), 42, IPAddress.Loopback, now));
    }

    [Fact]
    public void The_window_takes_each_sequence_once_across_the_wrap_and_refuses_the_too_old()
    {
        var window = new SequenceWindow();
        Assert.True(window.TryAccept(65530));
        Assert.False(window.TryAccept(65530));
        for (ushort s = 65531; s != 10; s++) Assert.True(window.TryAccept(s));
        Assert.Equal((ushort)9, window.Newest);
        Assert.False(window.TryAccept(65533));                         // a replay from before the wrap
        Assert.True(window.TryAccept(12));
        Assert.True(window.TryAccept(10));                            // late but new: taken once
        Assert.False(window.TryAccept(10));
        Assert.True(window.TryAccept(3000));
        Assert.False(window.TryAccept(11));                           // older than the window
    }

    [Fact]
    public void A_second_copy_is_known_without_being_taken()
    {
        var window = new SequenceWindow();
        Assert.False(window.AlreadyTaken(7));                          // nothing taken yet
        window.TryAccept(65535);
        window.TryAccept(1);                                            // across the wrap; 0 still missing
        Assert.True(window.AlreadyTaken(65535));
        Assert.True(window.AlreadyTaken(1));
        Assert.False(window.AlreadyTaken(0));                          // a hole: must be verified and taken
        Assert.False(window.AlreadyTaken(2));                          // newer than the newest
        Assert.True(window.TryAccept(0));                              // peeking took nothing
        window.TryAccept(3000);
        Assert.False(window.AlreadyTaken(1));                          // older than the window: not "known"
    }

    [Fact]
    public void A_reattaching_peer_names_the_packet_before_its_oldest_gap_so_the_whole_gap_is_backfilled()
    {
        var window = new SequenceWindow();
        Assert.Null(window.NewestInOrder(128));
        for (ushort s = 100; s <= 120; s++) window.TryAccept(s);
        Assert.Equal((ushort)120, window.NewestInOrder(128));         // nothing missing since the first packet
        for (ushort s = 150; s <= 160; s++) window.TryAccept(s);      // 121..149 lost, newer ones arrived first
        Assert.Equal((ushort)160, window.Newest);
        Assert.Equal((ushort)120, window.NewestInOrder(128));
        for (ushort s = 121; s <= 149; s++) window.TryAccept(s);      // the backfill fills the gap
        Assert.Equal((ushort)160, window.NewestInOrder(128));
        Assert.Equal((ushort)160, window.NewestInOrder(5));           // a gap older than the look-back is given up
    }

    [Fact]
    public void Control_datagrams_round_trip_and_malformed_ones_are_refused()
    {
        var buffer = new byte[MeshWire.MaxLength];
        var n = MeshWire.WritePath(buffer, MeshMessage.Accept, 9, 3, [1, 5, 9]);
        Assert.True(MeshWire.TryReadHeader(buffer.AsSpan(0, n), out var type, out var sender));
        Assert.Equal((MeshMessage.Accept, 9L), (type, sender));
        var path = new long[MeshWire.MaxPath];
        Assert.Equal(3, MeshWire.TryReadPath(buffer.AsSpan(0, n), out var hops, path));
        Assert.Equal(3, hops);
        Assert.Equal([1L, 5, 9], path[..3]);
        Assert.Equal(-1, MeshWire.TryReadPath(buffer.AsSpan(0, n - 1), out _, path));   // truncated
        buffer[MeshWire.HeaderLength + 1] = 200;                                          // more ids than allowed
        Assert.Equal(-1, MeshWire.TryReadPath(buffer.AsSpan(0, n), out _, path));

        var ticket = new byte[MeshTicket.Length];
        n = MeshWire.WriteAttach(buffer, 4, ticket, 777);
        Assert.True(MeshWire.TryReadAttach(buffer.AsSpan(0, n), out var read, out var newest));
        Assert.Equal((MeshTicket.Length, (ushort?)777), (read.Length, newest));
        Assert.False(MeshWire.TryReadAttach(buffer.AsSpan(0, n - 2), out _, out _));

        Assert.False(MeshWire.TryReadHeader("MDJ\u0063\0\0\0\0\0\0\0\u0001"u8, out _, out _));   // unknown type
        Assert.False(MeshWire.TryReadHeader("junk"u8, out _, out _));
        Assert.False(MeshPacket.IsMedia("MDJ"u8));
    }

    [Fact]
    public void The_key_ring_keeps_the_newest_and_the_previous_key_and_renews_a_reused_id()
    {
        using var ring = new MeshKeyRing();
        var (k1, k2, k3) = (SrtpKeys.Generate(), SrtpKeys.Generate(), SrtpKeys.Generate());
        ring.Add(1, k1);
        ring.Add(2, k2);
        var packet = Protected(k1, out var length);
        Assert.True(ring.TryUnprotect(packet, length, 1, out _, out _));
        ring.Add(3, k3);   // key 1 is two rotations old now
        Assert.False(ring.TryUnprotect(Protected(k1, out length), length, 1, out _, out var unknown));
        Assert.True(unknown);
        ring.Add(3, k1);   // a restarted station reuses id 3 with another key
        Assert.True(ring.TryUnprotect(Protected(k1, out length), length, 3, out _, out _));
        Assert.True(ring.TryUnprotect(Protected(k2, out length, sequence: 9), length, 2, out _, out _));
    }

    private static byte[] Protected(SrtpKeys keys, out int length, ushort sequence = 1)
    {
        var packet = new byte[200];
        packet[0] = 0x80;
        packet[1] = 11;
        packet[3] = (byte)sequence;
        using var context = SrtpContext.Create(keys);
        length = context.Protect(packet, 100);
        return packet;
    }
}
