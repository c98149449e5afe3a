using System.Buffers.Binary;
using MoodDJ.Media;
using MoodDJ.Media.Srtp;

namespace MoodDJ.Crypto.Tests;

/// <summary>SRTCP (RFC 3711 §3.4): key derivation for labels 3/4/5, libsrtp's reference packet, tampering and replay.</summary>
public class SrtcpTests
{
    private static readonly SrtpKeys RfcKeys = SrtpKeys.Create(
        Convert.FromHexString("E1F97A0D3E018BE0D64FA32C06DE4139"), Convert.FromHexString("0EC675AD498AFEEBB6960B3AABE6"));

    [Fact]
    public void Srtcp_session_keys_follow_rfc_3711_key_derivation_for_labels_3_4_5()
    {
        // RFC 3711 B.3's master key and salt; labels 3..5 computed independently with Python's
        // cryptography (AES-CTR from IV = salt XOR label at byte 7), which also gives B.3's labels 0..2.
        var keys = SrtpKeyDerivation.DeriveRtcp(RfcKeys.MasterKey, RfcKeys.MasterSalt);
        Assert.Equal("4C1AA45A81F73D61C800BBB00FBB1EAA", Convert.ToHexString(keys.EncryptionKey));
        Assert.Equal("8D54534FEB49AE8E7993A6BD0B844FC323A93DFD", Convert.ToHexString(keys.AuthenticationKey));
        Assert.Equal("9581C7AD87B3E530BF3E4454A8B3", Convert.ToHexString(keys.Salt));
    }

    [Fact]
    public void A_protected_sender_report_matches_libsrtps_reference_packet()
    {
        // libsrtp test/srtp_driver.c srtp_validate(): SSRC 0xcafebabe, SRTCP index 1.
        using var context = SrtcpContext.Create(RfcKeys);
        var packet = new byte[24 + SrtcpContext.Overhead];
        Convert.FromHexString("81C8000BCAFEBABE" + string.Concat(Enumerable.Repeat("AB", 16))).CopyTo(packet, 0);
        var length = context.Protect(packet, 24);
        Assert.Equal("81C8000BCAFEBABE7128035BE487B9BDBEF89041F977A5A880000001993E08CD54D6C1230798", Convert.ToHexString(packet, 0, length));

        using var receiver = SrtcpContext.Create(RfcKeys);
        Assert.True(receiver.TryUnprotect(packet, length, out var rtcpLength, out var error));
        Assert.Equal(SrtpError.None, error);
        Assert.Equal("81C8000BCAFEBABE" + string.Concat(Enumerable.Repeat("AB", 16)), Convert.ToHexString(packet, 0, rtcpLength));
    }

    [Fact]
    public void A_tampered_or_replayed_srtcp_packet_is_dropped_and_left_unchanged()
    {
        var keys = SrtpKeys.Generate();
        using var sender = SrtcpContext.Create(keys);
        using var receiver = SrtcpContext.Create(keys);
        var report = new RtcpSenderReport(0x4D4F4F44, 0x0102030405060708, 9, 10, 11);
        var buffer = new byte[256];

        for (var bit = 0; bit < 8 * (RtcpSenderReport.Length + SrtcpContext.Overhead); bit += 7)
        {
            var length = sender.Protect(buffer, report.Write(buffer));
            var copy = buffer.AsSpan(0, length).ToArray();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            var tampered = copy.ToArray();
            Assert.False(receiver.TryUnprotect(copy, copy.Length, out _, out var error));
            Assert.True(error is SrtpError.AuthenticationFailed or SrtpError.Malformed or SrtpError.Replayed, $"bit {bit}: {error}");
            Assert.Equal(tampered, copy);
        }

        var fresh = sender.Protect(buffer, report.Write(buffer));
        var replay = buffer.AsSpan(0, fresh).ToArray();
        Assert.True(receiver.TryUnprotect(buffer, fresh, out var plain, out _));
        Assert.True(RtcpSenderReport.TryParse(buffer.AsSpan(0, plain), out var parsed));
        Assert.Equal(report, parsed);
        Assert.False(receiver.TryUnprotect(replay, replay.Length, out _, out var replayed));
        Assert.Equal(SrtpError.Replayed, replayed);

        // Another key's packet does not verify either.
        using var stranger = SrtcpContext.Create(SrtpKeys.Generate());
        var foreign = stranger.Protect(buffer, report.Write(buffer));
        Assert.False(receiver.TryUnprotect(buffer, foreign, out _, out var wrongKey));
        Assert.Equal(SrtpError.AuthenticationFailed, wrongKey);
        Assert.Equal(0x80000001u, BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(foreign - SrtcpContext.Overhead)));
    }

    [Fact]
    public void Junk_never_throws()
    {
        using var receiver = SrtcpContext.Create(SrtpKeys.Generate());
        var random = new Random(3);
        var buffer = new byte[100];
        for (var i = 0; i < 1000; i++)
        {
            random.NextBytes(buffer);
            Assert.False(receiver.TryUnprotect(buffer, random.Next(0, 101), out _, out _));
        }
    }
}
