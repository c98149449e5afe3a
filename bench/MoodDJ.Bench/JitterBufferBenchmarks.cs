using BenchmarkDotNet.Attributes;
using MoodDJ.Media;
using MoodDJ.Client;

namespace MoodDJ.Bench;

/// <summary>
/// The player's per-packet jitter buffer work: one insert (copying an 882-byte L16 payload into a
/// pooled slot) and one pop, in order, with pairs swapped, and with every 20th packet missing.
/// `dotnet run -c Release --project bench/MoodDJ.Bench -- --filter '*JitterBuffer*' --job short --memory`
/// </summary>
[MemoryDiagnoser]
public class JitterBufferBenchmarks
{
    private const int Step = 441;
    private readonly byte[] _payload = new byte[882];
    private readonly byte[] _output = new byte[1500];
    private JitterBuffer _buffer = null!;
    private ushort _sequence;

    [GlobalSetup]
    public void Setup()
    {
        _buffer = new JitterBuffer(new JitterBufferOptions { ClockRate = 44100, TargetDepth = TimeSpan.FromMilliseconds(60), Capacity = 256 });
        // Fill to the target so every pop below plays.
        for (var i = 0; i < 8; i++) Insert(_sequence++);
    }

    private void Insert(ushort sequence) =>
        _buffer.Insert(new RtpHeader { SequenceNumber = sequence, Timestamp = (uint)(sequence * Step), PayloadType = 11 }, _payload);

    [Benchmark(Baseline = true)]
    public JitterPopResult InsertPopInOrder()
    {
        Insert(_sequence++);
        return _buffer.Pop(_output, out _, out _);
    }

    /// <summary>Two packets per call, the later one first; two pops.</summary>
    [Benchmark(OperationsPerInvoke = 2)]
    public JitterPopResult InsertPopSwappedPairs()
    {
        Insert((ushort)(_sequence + 1));
        Insert(_sequence);
        _sequence += 2;
        _buffer.Pop(_output, out _, out _);
        return _buffer.Pop(_output, out _, out _);
    }

    /// <summary>Twenty packets per call with one missing (concealed at its turn); twenty pops.</summary>
    [Benchmark(OperationsPerInvoke = 20)]
    public JitterPopResult InsertPopWithLoss()
    {
        for (var i = 0; i < 20; i++)
            if (i != 7) Insert((ushort)(_sequence + i));
        _sequence += 20;
        var result = JitterPopResult.Buffering;
        for (var i = 0; i < 20; i++) result = _buffer.Pop(_output, out _, out _);
        return result;
    }
}
