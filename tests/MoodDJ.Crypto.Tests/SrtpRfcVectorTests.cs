using MoodDJ.Media.Srtp;

namespace MoodDJ.Crypto.Tests;

/// <summary>RFC 3711 Appendix B: the AES-CM keystream (B.2) and the key derivation (B.3).</summary>
public class SrtpRfcVectorTests
{
    [Fact]
    public void Aes_counter_mode_keystream_matches_rfc_3711_b2()
    {
        using var cm = new AesCounterMode(Convert.FromHexString("2B7E151628AED2A6ABF7158809CF4F3C"));
        var iv = Convert.FromHexString("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
        var keystream = new byte[0xFF02 * 16];
        cm.Keystream(iv, keystream);

        string Block(int j) => Convert.ToHexString(keystream, j * 16, 16);
        Assert.Equal("E03EAD0935C95E80E166B16DD92B4EB4", Block(0));
        Assert.Equal("D23513162B02D0F72A43A2FE4A5F97AB", Block(1));
        Assert.Equal("41E95B3BB0A2E8DD477901E4FCA894C0", Block(2));
        Assert.Equal("EC8CDF7398607CB0F2D21675EA9EA1E4", Block(0xFEFF));
        Assert.Equal("362B7C3C6773516318A077D7FC5073AE", Block(0xFF00));
        Assert.Equal("6A2CC3787889374FBEB4C81B17BA6C44", Block(0xFF01));
    }

    [Fact]
    public void Session_keys_match_rfc_3711_b3()
    {
        var keys = SrtpKeyDerivation.Derive(
            Convert.FromHexString("E1F97A0D3E018BE0D64FA32C06DE4139"),
            Convert.FromHexString("0EC675AD498AFEEBB6960B3AABE6"));

        Assert.Equal("C61E7A93744F39EE10734AFE3FF7A087", Convert.ToHexString(keys.EncryptionKey));
        Assert.Equal("30CBBC08863D8C85D49DB34A9AE1", Convert.ToHexString(keys.Salt));
        Assert.Equal("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4", Convert.ToHexString(keys.AuthenticationKey));
    }

    [Fact]
    public void A_protected_packet_matches_the_documented_example()
    {
        // docs/protocol.md, Test vectors → Crypto: master key 00..0f, salt a0..ad, seq 1, ts 441,
        // SSRC 0x4D6F6F44, PT 11, payload 00..07 (value cross-checked with Python cryptography's AES-CTR and hmac).
        using var context = SrtpContext.Create(
            Enumerable.Range(0, 16).Select(i => (byte)i).ToArray(),
            Enumerable.Range(0xA0, 14).Select(i => (byte)i).ToArray());
        var packet = new byte[12 + 8 + SrtpContext.TagLength];
        var rtp = RtpTestPackets.Write(packet, 1, 441, 0x4D6F6F44, [0, 1, 2, 3, 4, 5, 6, 7]);
        var length = context.Protect(packet, rtp);
        Assert.Equal("800B0001000001B94D6F6F44F9AA78D012D0DACBCF6581917AF51E7C28D3", Convert.ToHexString(packet, 0, length));
    }
}
