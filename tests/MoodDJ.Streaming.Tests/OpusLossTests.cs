using System.Net;
using System.Net.Sockets;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Codecs;
using MoodDJ.Media;
using MoodDJ.Plugins.OpusCodec;
using MoodDJ.Plugins.UdpStream;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Streaming.Tests.Support;
using MoodDJ.Testing;
using Xunit.Abstractions;

namespace MoodDJ.Streaming.Tests;

/// <summary>
/// Opus at the station's settings through the impairment proxy at 5 % loss: every lost frame is rebuilt
/// from the next packet's in-band FEC when that packet arrived (Recover), else concealed (PLC). Continuity
/// is the share of 20 ms output frames, aligned by the encoder's lookahead, that carry the music on rather
/// than drop out. The stricter FEC-against-PLC comparison lives in tests/MoodDJ.Audio.Tests/OpusCodecTests.cs.
/// </summary>
public class OpusLossTests(ITestOutputHelper output)
{
    private const int Frame = 960;
    private const int Frames = 500; // 10 s
    private static readonly AudioFormat Format = AudioFormat.OpusStereo;

    [Theory]
    [InlineData(5)]    // the defaults: music stays CELT (no FEC), every lost frame is concealed
    [InlineData(10)]   // planning for 10 % loss: hybrid mode, whose packets may carry FEC
    public async Task At_5_percent_loss_through_the_proxy_continuity_is_at_least_0_99(int expectedLossPercent)
    {
        var codec = new OpusCodec(new OpusSettings { ExpectedLossPercent = expectedLossPercent });
        var source = MusicLike(Frames * Frame);
        using var transport = new UdpStreamTransport().Open(new DatagramSocketOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0) });
        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 1 << 20 };
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var proxy = ImpairmentProxy.Start((IPEndPoint)receiver.LocalEndPoint!, new ImpairmentOptions { LossPercent = 5, Seed = 5 });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var received = new byte[Frames][];
        var receive = Task.Run(async () =>
        {
            var buffer = new byte[2048];
            while (!cts.IsCancellationRequested)
            {
                int n;
                try { n = await receiver.ReceiveAsync(buffer, cts.Token); }
                catch (OperationCanceledException) { return; }
                if (!RtpHeader.TryParse(buffer.AsSpan(0, n), out var header)) continue;
                var index = (ushort)(header.SequenceNumber - 1000);
                if (index < Frames) received[index] = buffer.AsSpan(header.PayloadOffset, header.PayloadLength).ToArray();
            }
        });
        using (var packetizer = RtpPacketizer.Create(codec, Format, Frame, ssrc: 0x0F0F, firstSequenceNumber: 1000))
            await PacedSender.SendAsync(packetizer, transport, proxy.EndPoint, source, cts.Token);
        while (proxy.Queued > 0) await Task.Delay(10, cts.Token);
        await Task.Delay(200, cts.Token);
        cts.Cancel();
        await receive;

        // Two players on the same arrivals: one rebuilds a lost frame from the next packet's FEC, one only conceals.
        using var decoder = codec.CreateDecoder(Format, Frame);
        using var concealer = codec.CreateDecoder(Format, Frame);
        var played = new float[source.Length];
        var concealed = new float[source.Length];
        var lostFrames = new List<int>();
        for (var k = 0; k < Frames; k++)
        {
            var frame = played.AsSpan(k * Frame * 2, Frame * 2);
            var plain = concealed.AsSpan(k * Frame * 2, Frame * 2);
            if (received[k] is { } packet)
            {
                decoder.Decode(packet, frame);
                concealer.Decode(packet, plain);
                continue;
            }
            lostFrames.Add(k);
            concealer.Conceal(plain);
            if (k + 1 < Frames && received[k + 1] is { } next) decoder.Recover(next, frame);
            else decoder.Conceal(frame);
        }

        using var probe = (OpusEncoder)codec.CreateEncoder(Format, Frame);
        var lag = probe.Lookahead * 2;
        Span<float> Out(float[] pcm, int k) => pcm.AsSpan(k * Frame * 2 + lag, Frame * 2);
        ReadOnlySpan<float> In(int k) => source.AsSpan(k * Frame * 2, Frame * 2);

        // How many lost frames FEC rebuilt closer to the source than PLC (reported; libopus 1.3 sends FEC for music rarely).
        var rebuilt = 0;
        foreach (var k in lostFrames.Where(k => k is > 5 and < Frames - 1))
        {
            var fec = Compare(In(k), Out(played, k));
            var plc = Compare(In(k), Out(concealed, k));
            output.WriteLine($"lost frame {k}: FEC/recover {fec.Similarity:0.000} at {fec.LevelDb:+0.0;-0.0} dB, PLC {plc.Similarity:0.000} at {plc.LevelDb:+0.0;-0.0} dB");
            if (fec.Similarity > plc.Similarity + 0.02) rebuilt++;
        }
        // Continuity: the share of output frames that carry the music on, not a dropout: the source's spectrum
        // (cosine similarity ≥ 0.4) at its level within 12 dB. Silence, a burst or another chord fail it.
        var judged = Frames - 7;
        var dropouts = 0;
        for (var k = 6; k < Frames - 1; k++)
        {
            var (similarity, levelDb) = Compare(In(k), Out(played, k));
            if (similarity < 0.4 || Math.Abs(levelDb) > 12) dropouts++;
        }
        var continuity = 1 - (double)dropouts / judged;
        output.WriteLine($"expected loss {expectedLossPercent} %: proxy {proxy.Stats}; lost {lostFrames.Count}, rebuilt better by FEC {rebuilt}, continuity {continuity:0.0000}");
        Assert.InRange(lostFrames.Count, 10, 50);
        Assert.True(continuity >= 0.99, $"continuity {continuity:0.0000} ({dropouts} dropouts in {judged} frames)");
    }

    /// <summary>
    /// How alike two stereo frames sound: the cosine similarity of their left channels' magnitude spectra
    /// (Hann window, 100 Hz..2 kHz in 25 Hz steps, where the chords live) and the level difference. Waveform
    /// SNR would fail a perfect FEC or PLC frame, which rebuilds the sound but not its exact phase.
    /// </summary>
    private static (double Similarity, double LevelDb) Compare(ReadOnlySpan<float> source, ReadOnlySpan<float> played)
    {
        double dot = 0, a2 = 0, b2 = 0, sourceEnergy = 0, playedEnergy = 0;
        var n = source.Length / 2;
        for (var hz = 100.0; hz <= 2000; hz += 25)
        {
            double ar = 0, ai = 0, br = 0, bi = 0;
            for (var i = 0; i < n; i++)
            {
                var w = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / (n - 1));
                var phase = 2 * Math.PI * hz * i / 48000;
                var (sin, cos) = Math.SinCos(phase);
                ar += w * source[2 * i] * cos; ai += w * source[2 * i] * sin;
                br += w * played[2 * i] * cos; bi += w * played[2 * i] * sin;
            }
            var a = Math.Sqrt(ar * ar + ai * ai);
            var b = Math.Sqrt(br * br + bi * bi);
            dot += a * b; a2 += a * a; b2 += b * b;
        }
        for (var i = 0; i < source.Length; i++)
        {
            sourceEnergy += source[i] * (double)source[i];
            playedEnergy += played[i] * (double)played[i];
        }
        var similarity = dot / Math.Sqrt(Math.Max(a2 * b2, 1e-24));
        return (similarity, 10 * Math.Log10(Math.Max(playedEnergy, 1e-12) / Math.Max(sourceEnergy, 1e-12)));
    }

    /// <summary>Stereo chords that change every half second, with vibrato and a little noise: not a steady sine that flatters PLC.</summary>
    internal static float[] MusicLike(int frames)
    {
        double[][] chords = [[220, 277.2, 329.6], [196, 246.9, 293.7], [174.6, 220, 261.6], [246.9, 311.1, 370]];
        var random = new Random(9);
        var samples = new float[frames * 2];
        for (var i = 0; i < frames; i++)
        {
            var t = i / 48000.0;
            var chord = chords[(int)(t * 2) % chords.Length];
            double v = 0;
            foreach (var hz in chord) v += 0.15 * Math.Sin(2 * Math.PI * hz * t + 0.3 * Math.Sin(2 * Math.PI * 5 * t));
            v += 0.01 * (random.NextDouble() - 0.5);
            samples[2 * i] = (float)v;
            samples[2 * i + 1] = (float)(0.8 * v);
        }
        return samples;
    }
}
