using System.Buffers.Binary;
using System.Security.Cryptography;
using MoodDJ.Media.Srtp;

namespace MoodDJ.Bench;

/// <summary>
/// The per-listener SRTP work of the station's fan-out, alone and steady enough for a loaded machine:
/// one Opus packet (12-byte header, 320-byte payload: 20 ms at 128 kbit/s) copied into each of N
/// listeners' own pinned buffers and protected there with that listener's key, listener after listener,
/// as <c>RtpFanout</c> does (so each context is cold in the cache when its turn comes). Reports this
/// thread's CPU time (time spent waiting for a core does not count) per packet, for the copy alone
/// (what plain RTP does) and for copy + protect, median and minimum of the rounds, and bytes allocated.
/// `dotnet bench/MoodDJ.Bench/bin/Release/net10.0/MoodDJ.Bench.dll srtp-fanout-cpu [listeners] [--rounds R]`
/// </summary>
public sealed class SrtpFanoutCpuScenario : IBenchScenario
{
    private const int Payload = 320;
    private const int FramesPerRound = 25;

    public string Name => "srtp-fanout-cpu";

    public Task<int> RunAsync(string[] args)
    {
        var listeners = 1000;
        var rounds = 21;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--rounds" && i + 1 < args.Length) rounds = int.Parse(args[++i]);
            else if (int.TryParse(args[i], out var n)) listeners = n;
        }
        var contexts = new SrtpSender[listeners];
        var buffers = new byte[listeners][];
        for (var i = 0; i < listeners; i++)
        {
            buffers[i] = GC.AllocateArray<byte>(1500, pinned: true); // as Listener.Buffer
            contexts[i] = SrtpSender.Create(SrtpKeys.Generate()); // what the station's SrtpProtector holds
        }
        var packet = new byte[12 + Payload];
        packet[0] = 0x80;
        packet[1] = 111;
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), 0x4D6F6F44);
        RandomNumberGenerator.Fill(packet.AsSpan(12));
        ushort sequence = 0;

        void Frame(bool protect)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence++);
            for (var i = 0; i < buffers.Length; i++)
            {
                packet.CopyTo(buffers[i], 0);
                if (protect) contexts[i].Protect(buffers[i], packet.Length);
            }
        }

        for (var i = 0; i < 50; i++) { Frame(true); Frame(false); } // warm up: tiered JIT, caches
        var copy = new List<double>();
        var srtp = new List<double>();
        long allocated = 0;
        for (var round = 0; round < rounds; round++)
        {
            // Alternate within a round, so a noisy neighbour hits both alike.
            foreach (var protect in new[] { false, true })
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var start = CryptoCpuScenario.ThreadCpuNanoseconds();
                for (var f = 0; f < FramesPerRound; f++) Frame(protect);
                var ns = (CryptoCpuScenario.ThreadCpuNanoseconds() - start) / (double)(FramesPerRound * listeners);
                allocated += GC.GetAllocatedBytesForCurrentThread() - before;
                (protect ? srtp : copy).Add(ns);
            }
        }
        foreach (var c in contexts) c.Dispose();
        var load = File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
        Console.WriteLine($"{listeners} listeners, {Payload}-byte Opus payload, {rounds} rounds of {FramesPerRound} frames; load average {load}");
        Console.WriteLine($"copy only      : median {StationBenchSupport.Median(copy),7:0} ns/packet, min {copy.Min(),7:0}");
        Console.WriteLine($"copy + protect : median {StationBenchSupport.Median(srtp),7:0} ns/packet, min {srtp.Min(),7:0}");
        Console.WriteLine($"protect alone  : median {StationBenchSupport.Median(srtp) - StationBenchSupport.Median(copy),7:0} ns/packet; allocated {allocated} bytes in all");
        return Task.FromResult(0);
    }
}
