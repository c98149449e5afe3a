using BenchmarkDotNet.Attributes;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Codecs;
using MoodDJ.Plugins.OpusCodec;
using MoodDJ.Plugins.PcmCodec;

namespace MoodDJ.Bench;

/// <summary>
/// Encode and decode cost of one frame per codec, and allocations (expected: none).
/// `dotnet run -c Release --project bench/MoodDJ.Bench -- --filter '*CodecBenchmarks*' --job short --inProcess`
/// </summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private IAudioEncoder _encoder = null!;
    private IAudioDecoder _decoder = null!;
    private float[] _frame = null!;
    private float[] _decoded = null!;
    private byte[] _packet = null!;
    private int _packetLength;

    [Params("L16 44.1k mono 10ms", "Opus 48k mono 20ms 64k", "Opus 48k stereo 20ms 96k")]
    public string Codec { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var (codec, format, frame) = Codec switch
        {
            "L16 44.1k mono 10ms" => ((IAudioCodec)new L16Codec(), AudioFormat.SeedMono, 441),
            "Opus 48k mono 20ms 64k" => (new OpusCodec(), new AudioFormat(48000, 1), 960),
            _ => (new OpusCodec(), AudioFormat.OpusStereo, 960),
        };
        _encoder = codec.CreateEncoder(format, frame);
        _decoder = codec.CreateDecoder(format, frame);
        _frame = new float[frame * format.Channels];
        // Music-like input: two tones and a little noise (silence would flatter Opus).
        var random = new Random(1);
        for (var i = 0; i < _frame.Length; i++)
        {
            var t = i / format.Channels / (double)format.SampleRate;
            _frame[i] = (float)(0.3 * Math.Sin(2 * Math.PI * 220 * t) + 0.2 * Math.Sin(2 * Math.PI * 1375 * t) + 0.02 * (random.NextDouble() - 0.5));
        }
        _decoded = new float[_frame.Length];
        _packet = new byte[_encoder.MaxPacketBytes];
        _packetLength = _encoder.Encode(_frame, _packet);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _encoder.Dispose();
        _decoder.Dispose();
    }

    [Benchmark]
    public int Encode() => _encoder.Encode(_frame, _packet);

    [Benchmark]
    public int Decode() => _decoder.Decode(_packet.AsSpan(0, _packetLength), _decoded);

    [Benchmark]
    public int Conceal() => _decoder.Conceal(_decoded);
}
