using System.Buffers.Binary;
using System.Security.Cryptography;
using MoodDJ.Media.Srtp;
using MoodDJ.Plugins.AeadCrypto;

namespace MoodDJ.Crypto.Tests;

public class SrtpContextTests
{
    private const uint Ssrc = 0x4D6F6F44;

    private static (SrtpContext Sender, SrtpContext Receiver) Pair()
    {
        var keys = SrtpKeys.Generate();
        return (SrtpContext.Create(keys), SrtpContext.Create(keys));
    }

    private static byte[] Payload(int length, int seed) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + seed)).ToArray();

    /// <summary>Protects one packet; returns the SRTP bytes.</summary>
    private static byte[] Protect(SrtpContext sender, ushort sequence, byte[] payload, uint ssrc = Ssrc)
    {
        var buffer = RtpTestPackets.Make(sequence, ssrc, payload);
        var length = sender.Protect(buffer, buffer.Length - SrtpContext.TagLength);
        return buffer[..length];
    }

    private static (bool Ok, byte[] Rtp, SrtpError Error) Unprotect(SrtpContext receiver, byte[] srtp)
    {
        var copy = (byte[])srtp.Clone();
        var ok = receiver.TryUnprotect(copy, copy.Length, out var rtpLength, out var error);
        return (ok, copy[..rtpLength], error);
    }

    [Fact]
    public void Protected_packets_unprotect_to_the_original_rtp()
    {
        var (sender, receiver) = Pair();
        for (ushort seq = 100; seq < 110; seq++)
        {
            var payload = Payload(882, seq);
            var original = RtpTestPackets.Make(seq, Ssrc, payload, spare: 0);
            var srtp = Protect(sender, seq, payload);
            Assert.Equal(original.Length + 10, srtp.Length);
            Assert.Equal(original[..12], srtp[..12]); // the header stays in clear
            Assert.NotEqual(original[12..], srtp[12..^10]);

            var result = Unprotect(receiver, srtp);
            Assert.True(result.Ok, result.Error.ToString());
            Assert.Equal(original, result.Rtp);
        }
    }

    [Fact]
    public void Replayed_packets_are_rejected_but_late_ones_inside_the_window_are_accepted()
    {
        var (sender, receiver) = Pair();
        var packets = Enumerable.Range(0, 200).Select(i => Protect(sender, (ushort)(1000 + i), Payload(100, i))).ToArray();

        Assert.True(Unprotect(receiver, packets[0]).Ok);
        Assert.Equal(SrtpError.Replayed, Unprotect(receiver, packets[0]).Error);
        Assert.True(Unprotect(receiver, packets[150]).Ok);
        Assert.True(Unprotect(receiver, packets[40]).Ok);   // 110 behind: late but inside the 128 window
        Assert.Equal(SrtpError.Replayed, Unprotect(receiver, packets[40]).Error);
        Assert.Equal(SrtpError.Replayed, Unprotect(receiver, packets[10]).Error); // 140 behind: outside the window
        Assert.True(Unprotect(receiver, packets[151]).Ok);
        Assert.Equal(SrtpError.Replayed, Unprotect(receiver, packets[150]).Error);
    }

    [Fact]
    public void Tampered_or_forged_packets_are_rejected_and_left_unchanged()
    {
        var (sender, receiver) = Pair();
        var srtp = Protect(sender, 7, Payload(882, 1));
        foreach (var position in new[] { 1, 3, 11, 12, 500, srtp.Length - 11, srtp.Length - 1 })
        {
            var tampered = (byte[])srtp.Clone();
            tampered[position] ^= 0x20;
            var copy = (byte[])tampered.Clone();
            Assert.False(receiver.TryUnprotect(copy, copy.Length, out _, out var error));
            Assert.Equal(SrtpError.AuthenticationFailed, error);
            Assert.Equal(tampered, copy);
        }
        var (_, stranger) = Pair();
        Assert.Equal(SrtpError.AuthenticationFailed, Unprotect(stranger, srtp).Error);
        Assert.True(Unprotect(receiver, srtp).Ok); // forgeries did not poison the stream state
    }

    [Theory]
    [InlineData(0)]
    [InlineData(21)]
    public void Truncated_and_non_rtp_packets_are_malformed(int length)
    {
        var (_, receiver) = Pair();
        var junk = RandomNumberGenerator.GetBytes(length);
        Assert.Equal(SrtpError.Malformed, Unprotect(receiver, junk).Error);
    }

    [Fact]
    public void Junk_of_any_kind_is_rejected_without_throwing()
    {
        var (sender, receiver) = Pair();
        var random = new Random(3);
        for (var i = 0; i < 2000; i++)
        {
            var junk = new byte[random.Next(0, 1500)];
            random.NextBytes(junk);
            if (junk.Length > 0 && i % 2 == 0) junk[0] = (byte)(0x80 | (junk[0] & 0x3F)); // look like RTP v2
            Assert.False(receiver.TryUnprotect(junk, junk.Length, out _, out _));
        }
        Assert.False(receiver.TryUnprotect(new byte[30], 40, out _, out var error));
        Assert.Equal(SrtpError.Malformed, error);
        Assert.True(Unprotect(receiver, Protect(sender, 1, Payload(10, 1))).Ok);
    }

    [Fact]
    public void The_rollover_counter_advances_across_sequence_65535_to_0()
    {
        var (sender, receiver) = Pair();
        var buffer = new byte[1024];
        var seq = (ushort)65500;
        for (var i = 0; i < 100; i++, seq++)
        {
            var payload = Payload(200, i);
            var rtpLength = RtpTestPackets.Write(buffer, seq, (uint)i * 441, Ssrc, payload);
            var expected = buffer[..rtpLength];
            var srtpLength = sender.Protect(buffer, rtpLength);
            Assert.True(receiver.TryUnprotect(buffer, srtpLength, out var length, out var error), $"seq {seq}: {error}");
            Assert.Equal(expected, buffer[..length]);
        }
        Assert.Equal(1u, receiver.ReceiveRolloverCounter(Ssrc));
    }

    [Fact]
    public void A_packet_from_before_the_rollover_arriving_late_is_still_accepted()
    {
        var (sender, receiver) = Pair();
        var before = Protect(sender, 65534, Payload(50, 1));
        var last = Protect(sender, 65535, Payload(50, 2));
        var wrapped = Protect(sender, 0, Payload(50, 3));
        var next = Protect(sender, 1, Payload(50, 4));

        Assert.True(Unprotect(receiver, before).Ok);
        Assert.True(Unprotect(receiver, wrapped).Ok);
        Assert.True(Unprotect(receiver, next).Ok);
        Assert.True(Unprotect(receiver, last).Ok); // index 65535 with ROC 0, estimated as ROC - 1
        Assert.Equal(1u, receiver.ReceiveRolloverCounter(Ssrc));
    }

    [Fact]
    public void Each_ssrc_keeps_its_own_state_up_to_a_limit()
    {
        var keys = SrtpKeys.Generate();
        using var sender = SrtpContext.Create(keys, maxStreams: 8);
        using var receiver = SrtpContext.Create(keys, maxStreams: 2);
        var a = Protect(sender, 5, Payload(20, 1), ssrc: 1);
        var b = Protect(sender, 5, Payload(20, 2), ssrc: 2);
        var c = Protect(sender, 5, Payload(20, 3), ssrc: 3);

        Assert.True(Unprotect(receiver, a).Ok);
        Assert.True(Unprotect(receiver, b).Ok); // same sequence number, other SSRC: not a replay
        Assert.Equal(SrtpError.TooManyStreams, Unprotect(receiver, c).Error);
    }

    [Fact]
    public void A_sender_refuses_an_ssrc_past_its_limit_and_keeps_each_ssrcs_rollover_counter()
    {
        var keys = SrtpKeys.Generate();
        using var sender = SrtpSender.Create(keys, maxStreams: 2);
        using var receiver = SrtpContext.Create(keys);
        byte[] Send(ushort sequence, uint ssrc)
        {
            var buffer = RtpTestPackets.Make(sequence, ssrc, Payload(30, sequence));
            return buffer[..sender.Protect(buffer, buffer.Length - SrtpSender.TagLength)];
        }
        // SSRC 1 wraps (its ROC becomes 1), SSRC 2 comes in between, then SSRC 1 again.
        var packets = new[] { Send(65534, 1), Send(65535, 1), Send(7, 2), Send(0, 1), Send(8, 2), Send(1, 1) };
        Assert.Throws<InvalidOperationException>(() => Send(5, 3));
        var after = Send(2, 1); // still fine after the refusal
        foreach (var packet in packets.Append(after)) Assert.True(Unprotect(receiver, packet).Ok);
        Assert.Equal(1u, receiver.ReceiveRolloverCounter(1));
        Assert.Equal(0u, receiver.ReceiveRolloverCounter(2));
        sender.Dispose();
        Assert.Throws<ObjectDisposedException>(() => Send(3, 1));
    }

    [Fact]
    public void Header_extensions_and_csrcs_stay_in_clear_and_authenticated()
    {
        var (sender, receiver) = Pair();
        // V=2, X=1, CC=1: 12 + 4 (CSRC) + 4 (ext header) + 4 (one ext word) = 24 header bytes
        var packet = new byte[24 + 40 + 10];
        packet[0] = 0x80 | 0x10 | 0x01;
        packet[1] = 11;
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), Ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(12), 0xC5C5C5C5);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(16), 0xBEDE);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(18), 1);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(20), 0x11223344);
        Payload(40, 9).CopyTo(packet, 24);
        var original = packet[..64];

        var length = sender.Protect(packet, 64);
        Assert.Equal(original[..24], packet[..24]);
        Assert.NotEqual(original[24..], packet[24..64]);
        Assert.True(receiver.TryUnprotect(packet, length, out var rtpLength, out _));
        Assert.Equal(original, packet[..rtpLength]);
    }

    [Fact]
    public void Protect_refuses_a_buffer_without_room_for_the_tag_or_a_non_rtp_packet()
    {
        var (sender, _) = Pair();
        var tight = RtpTestPackets.Make(1, Ssrc, Payload(10, 1), spare: 0);
        Assert.Throws<ArgumentException>(() => sender.Protect(tight, tight.Length));
        var notRtp = new byte[40];
        Assert.Throws<ArgumentException>(() => sender.Protect(notRtp, 30));
    }

    [Fact]
    public void Inline_keys_round_trip_and_bad_ones_are_refused()
    {
        var keys = SrtpKeys.Generate();
        var inline = keys.ToInlineBase64();
        Assert.Equal(40, inline.Length);
        var parsed = SrtpKeys.FromInlineBase64("inline:" + inline + "|2^31");
        Assert.Equal(keys.MasterKey.ToArray(), parsed.MasterKey.ToArray());
        Assert.Equal(keys.MasterSalt.ToArray(), parsed.MasterSalt.ToArray());
        Assert.StartsWith("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:", keys.ToSdpCryptoAttribute());
        Assert.Contains("30", Assert.Throws<FormatException>(() => SrtpKeys.FromInlineBase64(Convert.ToBase64String(new byte[16]))).Message);
        Assert.Throws<FormatException>(() => SrtpKeys.FromInlineBase64("***"));
    }

    [Fact]
    public async Task Both_ends_of_an_aead_session_derive_the_same_srtp_keys()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var provider = new AeadCryptoProvider(new AeadOptions(key));
        var (client, server) = await Handshakes.ConnectAsync(provider, provider);

        var serverKeys = SrtpKeys.Derive(server);
        Assert.Equal(serverKeys.ToInlineBase64(), SrtpKeys.Derive(client).ToInlineBase64());
        using var station = SrtpContext.Create(server);
        using var player = SrtpContext.Create(client);
        var srtp = Protect(station, 9, Payload(882, 9));
        Assert.True(Unprotect(player, srtp).Ok);
    }

    [Fact]
    public void Protect_and_unprotect_allocate_nothing_in_steady_state()
    {
        var (sender, receiver) = Pair();
        var buffer = new byte[12 + 882 + 10];
        var payload = Payload(882, 0);
        ushort seq = 0;
        for (var i = 0; i < 200; i++) Round();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 2000; i++) Round();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        void Round()
        {
            var rtp = RtpTestPackets.Write(buffer, seq++, 0, Ssrc, payload);
            var srtp = sender.Protect(buffer, rtp);
            if (!receiver.TryUnprotect(buffer, srtp, out _, out var error)) throw new InvalidOperationException(error.ToString());
        }
    }
}
