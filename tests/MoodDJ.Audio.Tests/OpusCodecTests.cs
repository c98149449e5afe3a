using MoodDJ.Abstractions.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Codecs;
using MoodDJ.Abstractions.Plugins;
using MoodDJ.Testing;
using MoodDJ.Plugins.OpusCodec;

namespace MoodDJ.Audio.Tests;

/// <summary>The Opus codec on the real libopus.so.0.</summary>
public class OpusCodecTests
{
    private const int Frame = 960; // 20 ms at 48 kHz
    private readonly OpusCodec _codec = new();

    private static float[] Sine(AudioFormat format, int frames, double hz)
    {
        var samples = new float[frames * format.Channels];
        for (var i = 0; i < frames; i++)
        for (var c = 0; c < format.Channels; c++)
            samples[i * format.Channels + c] = 0.5f * (float)Math.Sin(2 * Math.PI * hz * (c + 1) * i / format.SampleRate);
        return samples;
    }

    [Fact]
    public void It_runs_at_opus_rates_only_and_says_why_not_44_1_kHz()
    {
        Assert.Equal("opus", _codec.EncodingName);
        Assert.Equal(48000, _codec.RtpClockRate(AudioFormat.SeedMono));
        Assert.Equal(48000, _codec.RtpClockRate(new AudioFormat(16000, 1)));
        Assert.True(_codec.Supports(AudioFormat.OpusStereo, out _));
        Assert.True(_codec.Supports(new AudioFormat(8000, 1), out _));
        Assert.False(_codec.Supports(AudioFormat.SeedMono, out var reason));
        Assert.Contains("44100", reason);
        Assert.Contains("48000", reason);
        Assert.False(_codec.Supports(new AudioFormat(48000, 6), out _));
        Assert.Throws<NotSupportedException>(() => _codec.CreateEncoder(AudioFormat.SeedMono, 441));
    }

    [Theory]
    [InlineData(441)]
    [InlineData(1000)]
    [InlineData(0)]
    public void Frames_that_are_not_an_opus_duration_are_refused(int frame)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _codec.CreateEncoder(new AudioFormat(48000, 1), frame));
        Assert.Contains("20 ms = 960", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_sine_survives_a_round_trip_with_more_than_20_dB_snr_once_aligned_by_the_lookahead(int channels)
    {
        // A pure sine looks like voice to libopus, so planning for loss would move it to hybrid mode (FEC); here the waveform is the point.
        var codec = new OpusCodec(new OpusSettings { ExpectedLossPercent = 0 });
        var format = new AudioFormat(48000, channels);
        using var encoder = (OpusEncoder)codec.CreateEncoder(format, Frame);
        using var decoder = codec.CreateDecoder(format, Frame);
        Assert.InRange(encoder.Lookahead, 1, 960);
        var input = Sine(format, 50 * Frame, 440);
        var output = new float[input.Length];
        var packet = new byte[encoder.MaxPacketBytes];
        var step = Frame * channels;
        for (var offset = 0; offset < input.Length; offset += step)
        {
            var length = encoder.Encode(input.AsSpan(offset, step), packet);
            Assert.InRange(length, 1, 1200);
            Assert.Equal(step, decoder.Decode(packet.AsSpan(0, length), output.AsSpan(offset, step)));
        }

        var lag = encoder.Lookahead * channels;
        double signal = 0, noise = 0;
        for (var i = 10 * step; i < input.Length - lag; i++)
        {
            signal += input[i] * (double)input[i];
            var error = output[i + lag] - input[i];
            noise += error * (double)error;
        }
        var snr = 10 * Math.Log10(signal / noise);
        Assert.True(snr > 20, $"SNR {snr:0.0} dB");
    }

    [Fact]
    public void Concealment_fills_a_lost_frame_with_sound_that_continues_the_signal()
    {
        var format = new AudioFormat(48000, 1);
        using var encoder = _codec.CreateEncoder(format, Frame);
        using var decoder = _codec.CreateDecoder(format, Frame);
        var input = Sine(format, 10 * Frame, 440);
        var packet = new byte[encoder.MaxPacketBytes];
        var decoded = new float[Frame];
        for (var offset = 0; offset < input.Length; offset += Frame)
            decoder.Decode(packet.AsSpan(0, encoder.Encode(input.AsSpan(offset, Frame), packet)), decoded);
        var concealed = new float[Frame];
        Assert.Equal(Frame, decoder.Conceal(concealed));
        Assert.True(LevelMeter.Rms(concealed) > 0.05, $"concealed RMS {LevelMeter.Rms(concealed):0.000}");
        Assert.True(LevelMeter.Peak(concealed) < 1f);
    }

    [Fact]
    public void The_station_default_128_kbit_stereo_carries_chords_with_more_than_20_dB_snr_after_the_lookahead()
    {
        var format = AudioFormat.OpusStereo;
        Assert.Equal(128000, _codec.Settings.BitrateFor(2));
        using var encoder = (OpusEncoder)_codec.CreateEncoder(format, Frame);
        using var decoder = _codec.CreateDecoder(format, Frame);
        var input = Chords(format, 100 * Frame);
        var output = new float[input.Length];
        var packet = new byte[encoder.MaxPacketBytes];
        long bytes = 0;
        for (var offset = 0; offset < input.Length; offset += 2 * Frame)
        {
            var length = encoder.Encode(input.AsSpan(offset, 2 * Frame), packet);
            bytes += length;
            decoder.Decode(packet.AsSpan(0, length), output.AsSpan(offset, 2 * Frame));
        }
        var snr = Snr(input, output, encoder.Lookahead * 2, from: 10 * 2 * Frame);
        Assert.True(snr > 20, $"SNR {snr:0.0} dB");
        Assert.InRange(bytes * 8 / 2.0, 110_000, 145_000); // 2 s of audio at ~128 kbit/s
    }

    [Fact]
    public void A_lost_frame_rebuilt_from_the_next_packets_fec_is_closer_to_the_source_than_plain_concealment()
    {
        // Planning for 10 % loss puts music into hybrid mode, whose packets carry the previous frame at a low rate.
        var codec = new OpusCodec(new OpusSettings { ExpectedLossPercent = 10 });
        var format = AudioFormat.OpusStereo;
        using var encoder = (OpusEncoder)codec.CreateEncoder(format, Frame);
        var input = Chords(format, 60 * Frame);
        var packets = new List<byte[]>();
        var packet = new byte[encoder.MaxPacketBytes];
        for (var offset = 0; offset < input.Length; offset += 2 * Frame)
            packets.Add(packet.AsSpan(0, encoder.Encode(input.AsSpan(offset, 2 * Frame), packet)).ToArray());
        Assert.True(packets[40][0] >> 3 < 16, "expected a SILK/hybrid packet (TOC config below 16)");

        double Run(bool fec)
        {
            using var decoder = codec.CreateDecoder(format, Frame);
            var output = new float[input.Length];
            for (var k = 0; k < packets.Count; k++)
            {
                var frame = output.AsSpan(k * 2 * Frame, 2 * Frame);
                if (k % 10 != 5) decoder.Decode(packets[k], frame);
                else if (fec) Assert.Equal(2 * Frame, decoder.Recover(packets[k + 1], frame));
                else Assert.Equal(2 * Frame, decoder.Conceal(frame));
            }
            return Snr(input, output, encoder.Lookahead * 2, from: 10 * 2 * Frame);
        }
        var withFec = Run(fec: true);
        var concealed = Run(fec: false);
        Assert.True(withFec > concealed + 1.5, $"FEC {withFec:0.0} dB against PLC {concealed:0.0} dB");
    }

    [Fact]
    public void Silence_costs_a_few_bytes_a_frame_with_dtx_and_still_decodes_to_silence()
    {
        var format = AudioFormat.OpusStereo;
        using var encoder = _codec.CreateEncoder(format, Frame);
        using var decoder = _codec.CreateDecoder(format, Frame);
        var silence = new float[2 * Frame];
        var packet = new byte[encoder.MaxPacketBytes];
        var decoded = new float[2 * Frame];
        var small = 0;
        for (var i = 0; i < 50; i++)
        {
            var length = encoder.Encode(silence, packet);
            if (length <= 3) small++;
            Assert.Equal(2 * Frame, decoder.Decode(packet.AsSpan(0, length), decoded));
            Assert.True(LevelMeter.Peak(decoded) < 0.01f);
        }
        Assert.True(small >= 40, $"only {small} of 50 silent frames were DTX-sized");
    }

    private static float[] Chords(AudioFormat format, int frames)
    {
        double[][] chords = [[220, 277.2, 329.6], [196, 246.9, 293.7], [174.6, 220, 261.6]];
        var samples = new float[frames * format.Channels];
        for (var i = 0; i < frames; i++)
        {
            var t = (double)i / format.SampleRate;
            double v = 0;
            foreach (var hz in chords[(int)(t * 2) % chords.Length]) v += 0.15 * Math.Sin(2 * Math.PI * hz * t + 0.3 * Math.Sin(2 * Math.PI * 5 * t));
            for (var c = 0; c < format.Channels; c++) samples[i * format.Channels + c] = (float)(v * (1 - 0.2 * c));
        }
        return samples;
    }

    private static double Snr(float[] input, float[] output, int lag, int from)
    {
        double signal = 0, noise = 0;
        for (var i = from; i < input.Length - lag; i++)
        {
            signal += input[i] * (double)input[i];
            var error = output[i + lag] - input[i];
            noise += error * (double)error;
        }
        return 10 * Math.Log10(signal / noise);
    }

    [Fact]
    public void A_corrupt_packet_is_rejected_with_libopus_reason()
    {
        using var decoder = _codec.CreateDecoder(AudioFormat.OpusStereo, Frame);
        var error = Assert.Throws<InvalidDataException>(() => decoder.Decode([0xFF], new float[2 * Frame]));
        Assert.Contains("could not be decoded", error.Message);
        Assert.Throws<InvalidDataException>(() => decoder.Decode([], new float[2 * Frame]));
    }

    [Fact]
    public void Even_at_the_highest_bitrate_a_packet_fits_one_rtp_datagram()
    {
        var codec = new OpusCodec(new OpusSettings { Bitrate = 510000, Complexity = 0 });
        var format = AudioFormat.OpusStereo;
        using var encoder = codec.CreateEncoder(format, 2880); // 60 ms
        var noise = new float[2880 * 2];
        var random = new Random(3);
        for (var i = 0; i < noise.Length; i++) noise[i] = (float)(random.NextDouble() - 0.5);
        var packet = new byte[4000];
        for (var i = 0; i < 5; i++) Assert.InRange(encoder.Encode(noise, packet), 1, 1200);
    }

    [Fact]
    public void Encoding_decoding_and_concealing_allocate_nothing()
    {
        var format = AudioFormat.OpusStereo;
        using var encoder = _codec.CreateEncoder(format, Frame);
        using var decoder = _codec.CreateDecoder(format, Frame);
        var frame = Sine(format, Frame, 330);
        var packet = new byte[encoder.MaxPacketBytes];
        var decoded = new float[2 * Frame];
        for (var i = 0; i < 5; i++)
        {
            decoder.Decode(packet.AsSpan(0, encoder.Encode(frame, packet)), decoded);
            decoder.Conceal(decoded);
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 200; i++)
        {
            var length = encoder.Encode(frame, packet);
            decoder.Decode(packet.AsSpan(0, length), decoded);
            decoder.Conceal(decoded);
            decoder.Recover(packet.AsSpan(0, length), decoded);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_disposed_encoder_refuses_work_instead_of_touching_freed_memory()
    {
        var encoder = _codec.CreateEncoder(new AudioFormat(48000, 1), Frame);
        encoder.Dispose();
        encoder.Dispose();
        Assert.Throws<ObjectDisposedException>(() => encoder.Encode(new float[Frame], new byte[1200]));
    }

    [Fact]
    public void The_plugin_registers_opus_with_its_bitrate_and_complexity_settings()
    {
        var codec = (OpusCodec)Register(new() { ["bitrate"] = "32000", ["complexity"] = "3", ["inbandFec"] = "false", ["expectedLossPercent"] = "12", ["dtx"] = "false" })
            .GetRequiredKeyedService<IAudioCodec>("opus");
        Assert.Equal(32000, codec.Settings.Bitrate);
        Assert.Equal(3, codec.Settings.Complexity);
        Assert.False(codec.Settings.InbandFec);
        Assert.Equal(12, codec.Settings.ExpectedLossPercent);
        Assert.False(codec.Settings.Dtx);
        Assert.Contains("plugins:settings:opus:expectedLossPercent", Assert.Throws<SettingsException>(() => Register(new() { ["expectedLossPercent"] = "101" })).Message);
        var error = Assert.Throws<SettingsException>(() => Register(new() { ["complexity"] = "11" }));
        Assert.Contains("plugins:settings:opus:complexity", error.Message);
        error = Assert.Throws<SettingsException>(() => Register(new() { ["bitrate"] = "lots" }));
        Assert.Contains("plugins:settings:opus:bitrate", error.Message);
    }

    private static IServiceProvider Register(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return PluginProbe.Compose(new OpusCodecPlugin(), new PluginContext("opus", AppContext.BaseDirectory, configuration));
    }
}
