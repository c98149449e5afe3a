using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace MoodDJ.Bench;

/// <summary>
/// One fanout-compare measurement of Snapcast: snapserver reading the PCM from a pipe and sending Opus
/// to N snapclients that decode and write to null. Bytes per client from the kernel's TCP counters.
/// </summary>
internal static partial class SnapcastRun
{
    public static string? Unavailable() =>
        File.Exists("/usr/bin/snapserver") && File.Exists("/usr/bin/snapclient") ? null : "apt-get install snapserver snapclient";

    public static async Task<ComparedRow> MeasureAsync(byte[] pcm, int clients, double seconds, int bitrate)
    {
        var dir = Directory.CreateTempSubdirectory("mooddj-snapcast-");
        var fifo = Path.Combine(dir.FullName, "fifo");
        var port = BenchProcesses.FreeTcpPort().ToString(CultureInfo.InvariantCulture);
        using var stop = new CancellationTokenSource();
        Process? server = null;
        var snapclients = new List<Process>();
        Task? feeder = null;
        try
        {
            server = StartServer(dir.FullName, fifo, port, $"opus:BITRATE:{bitrate},COMPLEXITY:10");
            feeder = Task.Run(async () =>
            {
                // Opening a FIFO for writing waits for snapserver to open it for reading.
                await using var pipe = new FileStream(fifo, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1, FileOptions.Asynchronous);
                await BenchProcesses.FeedAsync(pipe, pcm, stop.Token);
            });
            for (var i = 0; i < clients; i++)
                snapclients.Add(BenchProcesses.Start("snapclient", "-h", "127.0.0.1", "-p", port, "--hostID", $"bench-{i}",
                    "--instance", (i + 1).ToString(CultureInfo.InvariantCulture), "--player", "file:filename=null", "--logsink", "null"));
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (SentBytes(port).Connections < clients)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"only {SentBytes(port).Connections} of {clients} snapclients connected");
                await Task.Delay(200);
            }
            await Task.Delay(ComparedRow.WarmUp);

            var (cpu0, bytes0, clientCpu0) = (BenchProcesses.Cpu(server), SentBytes(port).Bytes, snapclients.Sum(BenchProcesses.Cpu));
            var watch = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            var (cpu1, bytes1, clientCpu1) = (BenchProcesses.Cpu(server), SentBytes(port).Bytes, snapclients.Sum(BenchProcesses.Cpu));
            return ComparedRow.From(clients, watch.Elapsed.TotalSeconds, cpu1 - cpu0, bytes1 - bytes0, clientCpu1 - clientCpu0);
        }
        finally
        {
            foreach (var p in snapclients) BenchProcesses.Terminate(p);
            if (server is not null) BenchProcesses.Terminate(server);
            stop.Cancel();
            if (feeder is not null) await feeder.ContinueWith(_ => { });
            dir.Delete(true);
        }
    }

    /// <summary>Makes the FIFO and starts snapserver reading it, serving on 127.0.0.1:<paramref name="port"/> only, logging nothing.</summary>
    public static Process StartServer(string dir, string fifo, string port, string codec, params string[] extra)
    {
        BenchProcesses.Run("mkfifo", fifo);
        var config = Path.Combine(dir, "snapserver.conf");
        File.WriteAllText(config, "");
        return BenchProcesses.Start("snapserver", ["-c", config, "--server.datadir", dir, "--http.enabled", "0", "--tcp.enabled", "0",
            "--stream.bind_to_address", "127.0.0.1", "--stream.port", port, "--stream.source", $"pipe://{fifo}?name=bench&mode=read",
            "--stream.codec", codec, "--logging.sink", "null", .. extra]);
    }

    /// <summary>Established connections from the stream port and the bytes the kernel sent on them (`ss -ti`).</summary>
    private static (int Connections, long Bytes) SentBytes(string port)
    {
        using var ss = BenchProcesses.Start("ss", "-tinH", "state", "established", $"( sport = :{port} )");
        var text = ss.StandardOutput.ReadToEnd();
        ss.WaitForExit();
        var sent = BytesSent().Matches(text);
        return (sent.Count, sent.Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
    }

    [GeneratedRegex(@"bytes_sent:(\d+)")]
    private static partial Regex BytesSent();
}
