using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace MoodDJ.Bench;

/// <summary>
/// Snapcast's timing as its users get it, measured from outside: snapserver reads 48 kHz stereo PCM
/// from a FIFO, written in real time with a 1 ms click every second (its amplitude numbers it, so a
/// click heard is matched to the click written). Two snapclients start together and a third joins
/// later; each plays with `--player file:filename=stdout` into this process, which notes when each
/// click arrives. Prints source-to-output latency, the difference between the two clients, and how long
/// the late joiner took to play the clicks at the same moments as the first client.
/// Resolution: the file player hands over audio in blocks (printed); a click's time is the read's time
/// minus the audio after it, so it is exact only as far as each client writes its blocks on time. The
/// two first clients agree to a fraction of a millisecond this way, so the late joiner counts as in sync
/// once its clicks land within 1 ms of the first client's.
/// `dotnet run -c Release --project bench/MoodDJ.Bench -- snapcast-timing [--seconds 30] [--late-after 10] [--buffer-ms 1000]`
/// </summary>
public sealed class SnapcastTimingScenario : IBenchScenario
{
    private const int Rate = 48000, FrameBytes = 4, ChunkFrames = Rate / 50, Numbers = 8;

    public string Name => "snapcast-timing";

    public async Task<int> RunAsync(string[] args)
    {
        if (SnapcastRun.Unavailable() is { } missing)
        {
            Console.WriteLine($"snapcast-timing needs snapserver and snapclient: {missing}");
            return 2;
        }
        double seconds = 30, lateAfter = 10;
        var bufferMs = 1000;
        for (var i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] == "--seconds") seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--late-after") lateAfter = double.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--buffer-ms") bufferMs = int.Parse(args[++i], CultureInfo.InvariantCulture);
        }
        Console.WriteLine($"snapcast-timing: pcm 48 kHz stereo, snapserver buffer {bufferMs} ms, {seconds:0} s, late joiner after {lateAfter:0} s; load average {BenchProcesses.LoadAverage()}");

        var dir = Directory.CreateTempSubdirectory("mooddj-snaptiming-");
        var fifo = Path.Combine(dir.FullName, "fifo");
        var port = BenchProcesses.FreeTcpPort().ToString(CultureInfo.InvariantCulture);
        using var stop = new CancellationTokenSource();
        var written = new ConcurrentDictionary<long, long>();   // click number → Stopwatch time it was written
        var clients = new List<(string Name, Process Process, long Started, Task<List<(long Click, long At, long Block)>> Heard)>();
        Process? server = null;
        Task? feeder = null;
        try
        {
            server = SnapcastRun.StartServer(dir.FullName, fifo, port, "pcm", "--stream.buffer", bufferMs.ToString(CultureInfo.InvariantCulture));
            feeder = Task.Run(() => FeedClicksAsync(fifo, written, stop.Token));
            clients.Add(StartClient("first", port, 1, stop.Token));
            clients.Add(StartClient("second", port, 2, stop.Token));
            await Task.Delay(TimeSpan.FromSeconds(lateAfter));
            clients.Add(StartClient("late joiner", port, 3, stop.Token));
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, seconds - lateAfter)));
        }
        finally
        {
            foreach (var c in clients) BenchProcesses.Terminate(c.Process);
            if (server is not null) BenchProcesses.Terminate(server);
            stop.Cancel();
            if (feeder is not null) await feeder.ContinueWith(_ => { });
        }
        var heard = new List<Dictionary<long, (long At, long Block)>>();
        foreach (var c in clients) heard.Add(Match(await c.Heard, written));
        dir.Delete(true);

        static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        for (var i = 0; i < clients.Count; i++)
        {
            var latencies = heard[i].Select(h => Ms(h.Value.At - written[h.Key])).Order().ToList();
            var blocks = heard[i].Select(h => Ms(h.Value.Block)).Order().ToList();
            Console.WriteLine($"{clients[i].Name,-12} clicks heard {latencies.Count,3}; source to output median {Median(latencies):F0} ms (min {latencies.FirstOrDefault():F0}, max {latencies.LastOrDefault():F0}); block ≈ {Median(blocks):F1} ms");
        }
        var pairs = heard[0].Keys.Intersect(heard[1].Keys).Select(k => Math.Abs(Ms(heard[0][k].At - heard[1][k].At))).Order().ToList();
        Console.WriteLine($"first vs second: |difference| median {Median(pairs):F2} ms, p95 {Percentile(pairs, 0.95):F2} ms over {pairs.Count} clicks (to the block resolution above)");
        const double tolerance = 1.0;   // ms: the first two clients agree far better than this (printed above)
        var firstHeard = heard[2].Count == 0 ? (double?)null : Ms(heard[2].Values.Min(v => v.At) - clients[2].Started);
        var inSync = heard[2].Where(h => heard[0].TryGetValue(h.Key, out var a) && Math.Abs(Ms(h.Value.At - a.At)) <= tolerance)
            .Select(h => Ms(h.Value.At - clients[2].Started)).Order().FirstOrDefault(double.NaN);
        var late = heard[2].Where(h => heard[0].ContainsKey(h.Key)).Select(h => (Since: Ms(h.Value.At - clients[2].Started), Off: Math.Abs(Ms(h.Value.At - heard[0][h.Key].At)))).OrderBy(x => x.Since).ToList();
        Console.WriteLine("late joiner against the first client, click by click (s after it started: |difference| ms): "
            + string.Join(", ", late.Take(12).Select(x => $"{x.Since / 1000:F1}: {x.Off:F2}")));
        Console.WriteLine($"late joiner: first click {firstHeard?.ToString("F0", CultureInfo.InvariantCulture) ?? "never"} ms after it started; first click within {tolerance:F1} ms of the first client {inSync:F0} ms after it started");
        Console.WriteLine($"load after: {BenchProcesses.LoadAverage()}");
        return 0;
    }

    /// <summary>Silence with a 1 ms click at the start of every 50th chunk; click n has amplitude (n mod 8 + 2) × 3000.</summary>
    private static async Task FeedClicksAsync(string fifo, ConcurrentDictionary<long, long> written, CancellationToken ct)
    {
        var chunk = new byte[ChunkFrames * FrameBytes];
        try
        {
            await using var pipe = new FileStream(fifo, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1, FileOptions.Asynchronous);
            var start = Stopwatch.GetTimestamp();
            for (long sent = 0; !ct.IsCancellationRequested; sent++)
            {
                Array.Clear(chunk);
                var click = sent % 50 == 0 ? sent / 50 : -1;
                if (click >= 0)
                    for (var f = 0; f < Rate / 1000; f++)
                    {
                        BinaryPrimitives.WriteInt16LittleEndian(chunk.AsSpan(f * FrameBytes), Amplitude(click));
                        BinaryPrimitives.WriteInt16LittleEndian(chunk.AsSpan(f * FrameBytes + 2), Amplitude(click));
                    }
                await pipe.WriteAsync(chunk, ct);
                await pipe.FlushAsync(ct);
                if (click >= 0) written[click] = Stopwatch.GetTimestamp();
                var due = TimeSpan.FromMilliseconds((sent + 1) * 20) - Stopwatch.GetElapsedTime(start);
                if (due > TimeSpan.Zero) await Task.Delay(due, ct);
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
    }

    private static short Amplitude(long click) => (short)((click % Numbers + 2) * 3000);

    private static (string, Process, long, Task<List<(long, long, long)>>) StartClient(string name, string port, int instance, CancellationToken ct)
    {
        var process = BenchProcesses.Start("snapclient", "-h", "127.0.0.1", "-p", port, "--hostID", $"timing-{instance}",
            "--instance", instance.ToString(CultureInfo.InvariantCulture), "--player", "file:filename=stdout", "--logsink", "null");
        var started = Stopwatch.GetTimestamp();
        return (name, process, started, Task.Run(() => Listen(process.StandardOutput.BaseStream, ct)));
    }

    /// <summary>
    /// Reads the player's output; a click is a rise above 4,000 after silence. Its time is the read's
    /// time minus the audio after it in that read; the block is the time the read's audio spans.
    /// Returns (click number mod 8, time, block length), in Stopwatch ticks.
    /// </summary>
    private static async Task<List<(long Click, long At, long Block)>> Listen(Stream output, CancellationToken ct)
    {
        var heard = new List<(long, long, long)>();
        var buffer = new byte[1 << 16];
        var carry = 0;
        var quietFrames = Rate;
        try
        {
            int n;
            while ((n = await output.ReadAsync(buffer.AsMemory(carry), ct)) > 0)
            {
                var now = Stopwatch.GetTimestamp();
                var total = carry + n;
                var frames = total / FrameBytes;
                for (var f = 0; f < frames; f++)
                {
                    var left = Math.Abs((int)BinaryPrimitives.ReadInt16LittleEndian(buffer.AsSpan(f * FrameBytes)));
                    if (left > 4000 && quietFrames > Rate / 2)
                    {
                        var after = (frames - f) * Stopwatch.Frequency / Rate;
                        heard.Add(((left / 3000 - 2 + Numbers) % Numbers, now - after, frames * Stopwatch.Frequency / Rate));
                        quietFrames = 0;
                    }
                    else if (left <= 4000) quietFrames++;
                }
                carry = total - frames * FrameBytes;
                Buffer.BlockCopy(buffer, frames * FrameBytes, buffer, 0, carry);
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
        return heard;
    }

    /// <summary>Each heard click is the written click with its number (mod 8) closest before it.</summary>
    private static Dictionary<long, (long At, long Block)> Match(List<(long Click, long At, long Block)> heard, ConcurrentDictionary<long, long> written)
    {
        var result = new Dictionary<long, (long, long)>();
        foreach (var (mod, at, block) in heard)
        {
            var candidates = written.Where(w => w.Key % Numbers == mod && w.Value <= at).OrderByDescending(w => w.Value).Take(1).ToList();
            if (candidates.Count == 1) result[candidates[0].Key] = (at, block);
        }
        return result;
    }

    private static double Median(List<double> sorted) => sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
}
