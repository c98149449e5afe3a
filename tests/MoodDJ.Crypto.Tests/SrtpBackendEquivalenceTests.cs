using System.Buffers.Binary;
using MoodDJ.Media;
using MoodDJ.Media.Srtp;

namespace MoodDJ.Crypto.Tests;

/// <summary>
/// SRTP's native path (OpenSSL called directly) and its managed fallback (the BCL) must give the same
/// bytes, or the fallback would drift unnoticed on the machines that have libcrypto.so.3.
/// </summary>
public class SrtpBackendEquivalenceTests
{
    [Fact]
    public void Libcrypto_is_called_directly_on_linux()
    {
        if (!OperatingSystem.IsLinux()) return;
        Assert.True(LibCrypto.IsAvailable, "libcrypto.so.3 did not load: SRTP fell back to the slower managed path.");
        Assert.Equal(SrtpCryptoBackend.Native, SrtpCrypto.Default);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Both_backends_give_the_rfc_3711_b2_keystream(bool native)
    {
        var backend = native ? SrtpCryptoBackend.Native : SrtpCryptoBackend.Managed;
        if (Skip(backend)) return;
        using var cm = new AesCounterMode(Convert.FromHexString("2B7E151628AED2A6ABF7158809CF4F3C"), backend);
        var keystream = new byte[0xFF02 * 16];
        cm.Keystream(Convert.FromHexString("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), keystream);
        Assert.Equal("E03EAD0935C95E80E166B16DD92B4EB4", Convert.ToHexString(keystream, 0, 16));
        Assert.Equal("6A2CC3787889374FBEB4C81B17BA6C44", Convert.ToHexString(keystream, 0xFF01 * 16, 16));
        var keys = SrtpKeyDerivation.Derive(
            Convert.FromHexString("E1F97A0D3E018BE0D64FA32C06DE4139"), Convert.FromHexString("0EC675AD498AFEEBB6960B3AABE6"), backend);
        Assert.Equal("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4", Convert.ToHexString(keys.AuthenticationKey));
    }

    [Fact]
    public void The_aes_instruction_path_gives_openssls_and_the_bcls_keystream()
    {
        if (!AesNiCounterMode.IsSupported || Skip(SrtpCryptoBackend.Native)) return;
        var random = new Random(1997);
        var key = new byte[16];
        var iv = new byte[16];
        var rfc = new AesNiCounterMode(Convert.FromHexString("2B7E151628AED2A6ABF7158809CF4F3C"));
        var b2 = new byte[0xFF02 * 16];
        rfc.Apply(Convert.FromHexString("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), b2);
        Assert.Equal("E03EAD0935C95E80E166B16DD92B4EB4", Convert.ToHexString(b2, 0, 16));
        Assert.Equal("6A2CC3787889374FBEB4C81B17BA6C44", Convert.ToHexString(b2, 0xFF01 * 16, 16));
        for (var n = 0; n < 300; n++)
        {
            random.NextBytes(key);
            random.NextBytes(iv);
            if (n % 3 == 0) iv.AsSpan(8).Fill(0xFF); // the low counter word carries into the high one
            else if (n % 2 == 0) iv.AsSpan(14).Clear(); // as SRTP makes them: the BCL path needs that
            var data = new byte[n < 70 ? n : random.Next(0, 2000)];
            random.NextBytes(data);
            var (a, b, c) = (data.ToArray(), data.ToArray(), data.ToArray());
            new AesNiCounterMode(key).Apply(iv, a);
            using (var openssl = new OpenSslAesCtr(key)) openssl.Apply(iv, b);
            using (var managed = new ManagedAesCounterMode(key)) managed.Apply(iv, c);
            Assert.True(a.SequenceEqual(b), $"case {n}: {data.Length} bytes, AES instructions against OpenSSL");
            if (iv[15] == 0 && iv[14] == 0) Assert.True(a.SequenceEqual(c), $"case {n}: against the BCL");
        }
    }

    [Fact]
    public void A_disposed_cipher_refuses_to_encrypt()
    {
        var cipher = new AesCounterMode(new byte[16]);
        cipher.Dispose();
        Assert.Throws<ObjectDisposedException>(() => cipher.Apply(new byte[16], new byte[32]));
    }

    [Fact]
    public void Native_and_managed_srtp_protect_random_packets_identically_across_a_rollover()
    {
        if (Skip(SrtpCryptoBackend.Native)) return;
        var random = new Random(3711);
        var keys = SrtpKeys.Generate();
        using var native = SrtpContext.Create(keys, 8, SrtpCryptoBackend.Native);
        using var managed = SrtpContext.Create(keys, 8, SrtpCryptoBackend.Managed);
        using var nativeReceiver = SrtpContext.Create(keys, 8, SrtpCryptoBackend.Native);
        using var managedReceiver = SrtpContext.Create(keys, 8, SrtpCryptoBackend.Managed);
        uint[] ssrcs = [0x4D6F6F44, 1, 0xFFFFFFFF, (uint)random.Next()];
        var first = new ushort[] { 65500, 0, 32768, (ushort)random.Next(65536) };
        var a = new byte[12 + 15 * 4 + 1400 + SrtpContext.TagLength];
        var b = new byte[a.Length];
        for (var n = 0; n < 600; n++)
        {
            var stream = n % ssrcs.Length;
            var sequence = (ushort)(first[stream] + n / ssrcs.Length); // stream 0 wraps: its ROC becomes 1
            var payload = new byte[n < 4 ? n * 3 : random.Next(0, 1401)];
            random.NextBytes(payload);
            var csrcs = random.Next(0, 3);
            var rtp = Write(a, sequence, ssrcs[stream], csrcs, payload);
            Write(b, sequence, ssrcs[stream], csrcs, payload);

            var length = native.Protect(a, rtp);
            Assert.Equal(length, managed.Protect(b, rtp));
            Assert.True(a.AsSpan(0, length).SequenceEqual(b.AsSpan(0, length)), $"packet {n}: {payload.Length}-byte payload, seq {sequence}, SSRC {ssrcs[stream]:X8}");

            // Each backend reads what the other wrote.
            Assert.True(managedReceiver.TryUnprotect(a, length, out var fromNative, out var e1), e1.ToString());
            Assert.True(nativeReceiver.TryUnprotect(b, length, out var fromManaged, out var e2), e2.ToString());
            Assert.Equal(rtp, fromNative);
            Assert.True(a.AsSpan(0, rtp).SequenceEqual(b.AsSpan(0, rtp)));
            Assert.True(a.AsSpan(rtp - payload.Length, payload.Length).SequenceEqual(payload));
        }
        Assert.Equal(1u, managedReceiver.ReceiveRolloverCounter(ssrcs[0]));
        Assert.Equal(1u, nativeReceiver.ReceiveRolloverCounter(ssrcs[0]));
    }

    [Fact]
    public void Native_and_managed_srtcp_protect_identically()
    {
        if (Skip(SrtpCryptoBackend.Native)) return;
        var keys = SrtpKeys.Generate();
        using var native = SrtcpContext.Create(keys, 4, SrtpCryptoBackend.Native);
        using var managed = SrtcpContext.Create(keys, 4, SrtpCryptoBackend.Managed);
        using var receiver = SrtcpContext.Create(keys, 4, SrtpCryptoBackend.Managed);
        var a = new byte[256];
        var b = new byte[256];
        for (var n = 0; n < 20; n++)
        {
            var report = new RtcpSenderReport((uint)(n % 3), (ulong)n << 32, (uint)n * 960, (uint)n, (uint)n * 300);
            var rtcp = report.Write(a);
            report.Write(b);
            var length = native.Protect(a, rtcp);
            Assert.Equal(length, managed.Protect(b, rtcp));
            Assert.True(a.AsSpan(0, length).SequenceEqual(b.AsSpan(0, length)), $"report {n}");
            Assert.True(receiver.TryUnprotect(a, length, out _, out var error), error.ToString());
        }
    }

    [Fact]
    public unsafe void A_failing_openssl_call_throws_with_openssls_reason()
    {
        if (Skip(SrtpCryptoBackend.Native)) return;
        using var context = SafeCipherContextHandle.Create();
        var iv = new byte[16];
        fixed (byte* v = iv)
        {
            // A new context has no cipher yet, so setting an IV fails inside OpenSSL.
            var result = LibCrypto.EVP_EncryptInit_ex(context.DangerousGetHandle(), 0, 0, null, v);
            var e = Assert.Throws<System.Security.Cryptography.CryptographicException>(() => LibCrypto.Check(result, "EVP_EncryptInit_ex"));
            Assert.StartsWith("OpenSSL EVP_EncryptInit_ex failed", e.Message);
        }
        Assert.Throws<ArgumentException>(() => new OpenSslAesCtr(new byte[15]));
    }

    private static bool Skip(SrtpCryptoBackend backend) => backend == SrtpCryptoBackend.Native && !LibCrypto.IsAvailable;

    private static int Write(byte[] buffer, ushort sequence, uint ssrc, int csrcs, byte[] payload)
    {
        Array.Clear(buffer);
        buffer[0] = (byte)(0x80 | csrcs);
        buffer[1] = 111;
        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(4), sequence * 960u);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(8), ssrc);
        for (var i = 0; i < csrcs; i++) BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(12 + 4 * i), 0xC0000000u + (uint)i);
        var header = 12 + 4 * csrcs;
        payload.CopyTo(buffer, header);
        return header + payload.Length;
    }
}
