using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Codecs;
using MoodDJ.Plugins.PcmCodec;

namespace MoodDJ.Audio.Tests;

/// <summary>The L16 codec (RFC 3551): big-endian 16-bit, exact to one step, clipping, concealment, no allocation.</summary>
public class L16CodecTests
{
    private readonly IAudioCodec _codec = new L16Codec();

    [Fact]
    public void It_names_itself_L16_and_runs_its_rtp_clock_at_the_sample_rate()
    {
        Assert.Equal("L16", _codec.EncodingName);
        Assert.Equal(44100, _codec.RtpClockRate(AudioFormat.SeedMono));
        Assert.Equal(48000, _codec.RtpClockRate(AudioFormat.OpusStereo));
        Assert.True(_codec.Supports(AudioFormat.SeedMono, out _));
    }

    [Fact]
    public void Ten_milliseconds_of_44_1_kHz_mono_is_an_882_byte_packet()
    {
        using var encoder = _codec.CreateEncoder(AudioFormat.SeedMono, 441);
        Assert.Equal(882, encoder.MaxPacketBytes);
        Assert.Equal(882, encoder.Encode(new float[441], new byte[1200]));
    }

    [Fact]
    public void Samples_are_written_big_endian_and_clipped_to_the_16_bit_range()
    {
        using var encoder = _codec.CreateEncoder(new AudioFormat(8000, 1), 6);
        var packet = new byte[12];
        encoder.Encode([0.5f, -0.5f, 1f, -1f, 2f, float.NaN], packet);
        Assert.Equal(new byte[] { 0x40, 0x00, 0xC0, 0x00, 0x7F, 0xFF, 0x80, 0x00, 0x7F, 0xFF, 0x00, 0x00 }, packet);
    }

    [Fact]
    public void A_round_trip_is_exact_to_one_least_significant_bit()
    {
        var format = new AudioFormat(48000, 2);
        using var encoder = _codec.CreateEncoder(format, 240);
        using var decoder = _codec.CreateDecoder(format, 240);
        var random = new Random(1);
        var frame = new float[480];
        for (var i = 0; i < frame.Length; i++) frame[i] = (float)(random.NextDouble() * 2 - 1);
        var packet = new byte[encoder.MaxPacketBytes];
        var decoded = new float[480];
        Assert.Equal(480, decoder.Decode(packet.AsSpan(0, encoder.Encode(frame, packet)), decoded));
        for (var i = 0; i < frame.Length; i++) Assert.Equal(frame[i], decoded[i], 1 / 32768f);
    }

    [Fact]
    public void Frames_too_big_for_one_rtp_packet_are_refused_with_advice()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _codec.CreateEncoder(AudioFormat.OpusStereo, 480));
        Assert.Contains("1200", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(881)]
    [InlineData(884)]
    public void A_malformed_packet_is_rejected_with_its_length(int length)
    {
        using var decoder = _codec.CreateDecoder(AudioFormat.SeedMono, 441);
        var error = Assert.Throws<InvalidDataException>(() => decoder.Decode(new byte[length], new float[441]));
        Assert.Contains(length.ToString(), error.Message);
    }

    [Fact]
    public void Concealment_fades_from_the_last_sample_to_silence()
    {
        using var decoder = _codec.CreateDecoder(AudioFormat.SeedMono, 441);
        var packet = new byte[882];
        for (var i = 0; i < 441; i++) { packet[2 * i] = 0x40; } // every sample 0.5
        decoder.Decode(packet, new float[441]);
        var concealed = new float[441];
        Assert.Equal(441, decoder.Conceal(concealed));
        Assert.InRange(concealed[0], 0.49f, 0.5f);
        Assert.Equal(0f, concealed[^1]);
        for (var i = 1; i < concealed.Length; i++) Assert.True(concealed[i] <= concealed[i - 1]);
        decoder.Conceal(concealed);
        Assert.All(concealed, s => Assert.Equal(0f, s));
    }

    [Fact]
    public void Encoding_and_decoding_allocate_nothing()
    {
        using var encoder = _codec.CreateEncoder(AudioFormat.SeedMono, 441);
        using var decoder = _codec.CreateDecoder(AudioFormat.SeedMono, 441);
        var frame = new float[441];
        var packet = new byte[882];
        var decoded = new float[441];
        encoder.Encode(frame, packet);
        decoder.Decode(packet, decoded);
        decoder.Conceal(decoded);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            encoder.Encode(frame, packet);
            decoder.Decode(packet, decoded);
            decoder.Conceal(decoded);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
