using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using MoodDJ.Abstractions.Crypto;
using MoodDJ.Media.Srtp;

namespace MoodDJ.Bench;

/// <summary>
/// Per-packet CPU time (this thread's, so time spent waiting for a core on a loaded machine does not
/// count) and allocations of seal+open and SRTP protect/unprotect; medians of 9 rounds.
/// `dotnet run -c Release --project bench/MoodDJ.Bench -- crypto-cpu`
/// </summary>
public sealed partial class CryptoCpuScenario : IBenchScenario
{
    public string Name => "crypto-cpu";

    public async Task<int> RunAsync(string[] args)
    {
        Console.WriteLine("case                                   CPU µs/op (median of 9)   bytes allocated/op");
        foreach (var (provider, bytes) in new[] { ("aead", 64), ("aead", 882), ("fernet", 64), ("fernet", 882) })
        {
            var (client, server) = await CryptoPluginLoader.ConnectAsync(CryptoPluginLoader.Load(provider));
            var plaintext = RandomNumberGenerator.GetBytes(bytes);
            var sealedFrame = new byte[bytes + client.Overhead];
            var opened = new byte[bytes];
            Report($"{provider} seal+open {bytes} B", provider == "fernet" ? 2_000 : 20_000, () =>
            {
                var n = client.Seal(plaintext, sealedFrame);
                if (!server.TryOpen(sealedFrame.AsSpan(0, n), opened, out _, out var error)) throw new InvalidOperationException(error);
            });
            client.Dispose();
            server.Dispose();
        }

        var keys = SrtpKeys.Generate();
        using var sender = SrtpContext.Create(keys);
        using var receiver = SrtpContext.Create(keys);
        var packet = new byte[12 + 882 + SrtpContext.TagLength];
        packet[0] = 0x80;
        packet[1] = 11;
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), 0x4D6F6F44);
        ushort sequence = 0;
        Report("srtp protect 882 B payload", 20_000, () =>
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence++);
            sender.Protect(packet, 12 + 882);
        });
        using var sender2 = SrtpContext.Create(keys);
        Report("srtp protect+unprotect 882 B payload", 20_000, () =>
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence++);
            var length = sender2.Protect(packet, 12 + 882);
            if (!receiver.TryUnprotect(packet, length, out _, out var error)) throw new InvalidOperationException(error.ToString());
        });
        return 0;
    }

    private static void Report(string name, int operations, Action operation)
    {
        for (var i = 0; i < operations / 4; i++) operation(); // warm up (tiered JIT, caches)
        var perOp = new double[9];
        long allocated = 0;
        for (var round = 0; round < perOp.Length; round++)
        {
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var before = ThreadCpuNanoseconds();
            for (var i = 0; i < operations; i++) operation();
            perOp[round] = (ThreadCpuNanoseconds() - before) / 1000.0 / operations;
            allocated += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        }
        Array.Sort(perOp);
        Console.WriteLine($"{name,-38} {perOp[perOp.Length / 2],10:0.00}                {(double)allocated / (operations * perOp.Length),10:0.#}");
    }

    internal static long ThreadCpuNanoseconds()
    {
        if (clock_gettime(ClockThreadCpuTime, out var time) != 0) throw new InvalidOperationException("clock_gettime failed");
        return time.Seconds * 1_000_000_000 + time.Nanoseconds;
    }

    private const int ClockThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID on Linux

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc.so.6", EntryPoint = "clock_gettime")]
    private static partial int clock_gettime(int clock, out TimeSpec time);
}
