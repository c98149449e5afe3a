using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;
using MoodDJ.Plugins.Generator;
using MoodDJ.Station;

namespace MoodDJ.Bench;

/// <summary>
/// MoodDJ's station against Snapcast (Debian's snapserver and snapclient, run as processes) on this
/// machine, fed the same music: the generator's "happy" output, rendered once and written into
/// snapserver's pipe at real-time pace, while MoodDJ's station plays the generator itself. Both send
/// Opus at 128 kbit/s. For each client count it measures over one window the server process's CPU
/// (from /proc, through Process.TotalProcessorTime) and the bytes each client is sent: Snapcast's from
/// the kernel's per-connection TCP counters (`ss -ti`, bytes_sent), MoodDJ's from the UDP payload its
/// receivers count. The marginal cost per client is the slope between the smallest and largest
/// count, which leaves out what does not grow with clients (the encoder, the music).
/// Snapcast's clients are real snapclients that decode and write to `null`; MoodDJ's are the
/// station-listeners receivers (they read and count). Both share the two cores with the server.
/// `dotnet run -c Release --project bench/MoodDJ.Bench -- snapcast-compare [clients...] [--seconds S] [--crypto aead|none]`
/// </summary>
public sealed partial class SnapcastCompareScenario : IBenchScenario
{
    private const int Bitrate = 128_000;

    public string Name => "snapcast-compare";

    public async Task<int> RunAsync(string[] args)
    {
        var seconds = 15.0;
        var crypto = "aead";
        var counts = new List<int>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--seconds" && i + 1 < args.Length) seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--crypto" && i + 1 < args.Length) crypto = args[++i];
            else if (int.TryParse(args[i], out var n) && n > 0) counts.Add(n);
            else throw new ArgumentException($"snapcast-compare: unknown argument '{args[i]}'.");
        }
        if (counts.Count == 0) counts.AddRange([10, 40]);
        counts.Sort();
        foreach (var program in new[] { "snapserver", "snapclient" })
            if (!File.Exists($"/usr/bin/{program}"))
            {
                Console.Error.WriteLine($"snapcast-compare needs /usr/bin/{program}: apt-get install snapserver snapclient");
                return 2;
            }

        Console.WriteLine($"snapcast-compare: Opus {Bitrate / 1000} kbit/s, {seconds:0} s window after 4 s of warm-up, MoodDJ crypto {crypto}; {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        Console.WriteLine("system   | clients | server CPU | CPU-s per client-hour | kbit/s sent per client | client CPU");
        var pcm = await RenderAsync(TimeSpan.FromSeconds(30));
        var snapcast = new List<Row>();
        var mooddj = new List<Row>();
        foreach (var n in counts)
        {
            snapcast.Add(Print("snapcast", await SnapcastAsync(pcm, n, seconds)));
            mooddj.Add(Print("mooddj", await MoodDJAsync(crypto, n, seconds)));
        }
        if (counts.Count > 1)
        {
            var s = Marginal(snapcast);
            var m = Marginal(mooddj);
            Console.WriteLine($"marginal CPU-s per client-hour ({counts[0]}→{counts[^1]} clients): snapcast {s:0.00}, mooddj {m:0.00}; mooddj/snapcast {m / s:0.00}");
        }
        Console.WriteLine($"load average after: {LoadAverage()}");
        return 0;
    }

    private readonly record struct Row(int Clients, double CpuCores, double KbitPerClient, double ClientCpuCores);

    private static Row Print(string system, Row row)
    {
        Console.WriteLine($"{system,-8} | {row.Clients,7} | {row.CpuCores,5:P1} core | {row.CpuCores / row.Clients * 3600,21:0.00} | {row.KbitPerClient,22:0.0} | {row.ClientCpuCores,6:P0} core");
        return row;
    }

    private static double Marginal(List<Row> rows) =>
        (rows[^1].CpuCores - rows[0].CpuCores) / (rows[^1].Clients - rows[0].Clients) * 3600;

    /// <summary>The generator's "happy" track as 48 kHz stereo s16le, what snapserver's pipe reads.</summary>
    private static async Task<byte[]> RenderAsync(TimeSpan length)
    {
        var source = new GeneratorMusicSource(1, TimeSpan.FromMinutes(5));
        TrackInfo? track = null;
        await foreach (var t in source.FindTracksAsync(new MoodReading(MoodLabel.Happy, 0.6, 0.5, 1), 1)) { track = t; break; }
        await using var stream = await source.OpenAsync(track ?? throw new InvalidOperationException("The generator offered no track."), AudioFormat.OpusStereo);
        var samples = new float[AudioFormat.OpusStereo.SamplesFor(length)];
        for (var done = 0; done < samples.Length;)
        {
            var n = await stream.ReadAsync(samples.AsMemory(done));
            if (n == 0) break;
            done += n;
        }
        var bytes = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 2), (short)Math.Clamp(samples[i] * 32767f, -32768f, 32767f));
        return bytes;
    }

    private static async Task<Row> SnapcastAsync(byte[] pcm, int clients, double seconds)
    {
        var dir = Directory.CreateTempSubdirectory("mooddj-snapcast-");
        var fifo = Path.Combine(dir.FullName, "fifo");
        var port = FreeTcpPort();
        using var stop = new CancellationTokenSource();
        Process? server = null;
        var clientProcesses = new List<Process>();
        Task? feeder = null;
        try
        {
            Run("mkfifo", fifo);
            File.WriteAllText(Path.Combine(dir.FullName, "snapserver.conf"), "");
            server = Start("snapserver", "-c", Path.Combine(dir.FullName, "snapserver.conf"), "--server.datadir", dir.FullName,
                "--http.enabled", "0", "--tcp.enabled", "0", "--stream.bind_to_address", "127.0.0.1", "--stream.port", port.ToString(CultureInfo.InvariantCulture),
                "--stream.source", $"pipe://{fifo}?name=bench&mode=read", "--stream.codec", $"opus:BITRATE:{Bitrate},COMPLEXITY:10", "--logging.sink", "null");
            feeder = Task.Run(() => FeedAsync(fifo, pcm, stop.Token));
            for (var i = 0; i < clients; i++)
                clientProcesses.Add(Start("snapclient", "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "--hostID", $"bench-{i}",
                    "--instance", (i + 1).ToString(CultureInfo.InvariantCulture), "--player", "file:filename=null", "--logsink", "null"));
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (SentBytes(port).Connections < clients)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"only {SentBytes(port).Connections} of {clients} snapclients connected");
                await Task.Delay(200);
            }
            await Task.Delay(4000);

            var (cpu0, bytes0, clientCpu0) = (Cpu(server), SentBytes(port).Bytes, clientProcesses.Sum(Cpu));
            var watch = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            var (cpu1, bytes1, clientCpu1) = (Cpu(server), SentBytes(port).Bytes, clientProcesses.Sum(Cpu));
            var elapsed = watch.Elapsed.TotalSeconds;
            return new Row(clients, (cpu1 - cpu0) / elapsed, (bytes1 - bytes0) * 8 / 1000.0 / clients / elapsed, (clientCpu1 - clientCpu0) / elapsed);
        }
        finally
        {
            foreach (var p in clientProcesses) Terminate(p);
            if (server is not null) Terminate(server);
            stop.Cancel();
            if (feeder is not null) await feeder.ContinueWith(_ => { });
            dir.Delete(true);
        }
    }

    /// <summary>Writes the PCM into snapserver's pipe in 20 ms chunks at real-time pace, looping.</summary>
    private static async Task FeedAsync(string fifo, byte[] pcm, CancellationToken ct)
    {
        const int Chunk = 48000 * 2 * 2 / 50;
        try
        {
            await using var pipe = new FileStream(fifo, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1, FileOptions.Asynchronous);
            var start = Stopwatch.GetTimestamp();
            for (long sent = 0; !ct.IsCancellationRequested; sent++)
            {
                var offset = (int)(sent * Chunk % (pcm.Length - pcm.Length % Chunk));
                await pipe.WriteAsync(pcm.AsMemory(offset, Chunk), ct);
                var due = TimeSpan.FromMilliseconds((sent + 1) * 20) - Stopwatch.GetElapsedTime(start);
                if (due > TimeSpan.Zero) await Task.Delay(due, ct);
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }   // snapserver went away
    }

    private static async Task<Row> MoodDJAsync(string crypto, int clients, double seconds)
    {
        await using var engine = StationBenchSupport.StartEngine(crypto, "opus", ("plugins:settings:opus:bitrate", Bitrate.ToString(CultureInfo.InvariantCulture)),
            ("station:maxListeners", (clients + 10).ToString(CultureInfo.InvariantCulture)), ("station:maxListenersPerSession", clients.ToString(CultureInfo.InvariantCulture)),
            ("station:heartbeatIntervalSeconds", "30"), ("station:listenerExpirySeconds", "300"));
        await using var station = StationFactory.Create(engine);
        await station.StartAsync();
        using var receivers = UdpReceiverProcess.Start(clients);
        await using var client = StationBenchSupport.Client(engine, station.ControlEndPoint, "bench");
        await client.ConnectAsync();
        await client.PromptAsync("I feel happy");
        foreach (var port in receivers.Ports) await StationBenchSupport.SubscribeAsync(client, port);
        await Task.Delay(4000);

        var self = Process.GetCurrentProcess();
        var (cpu0, bytes0, rxCpu0) = (self.TotalProcessorTime.TotalSeconds, receivers.Count().Bytes, receivers.Cpu.TotalSeconds);
        var watch = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        self.Refresh();
        var (cpu1, bytes1, rxCpu1) = (self.TotalProcessorTime.TotalSeconds, receivers.Count().Bytes, receivers.Cpu.TotalSeconds);
        var elapsed = watch.Elapsed.TotalSeconds;
        return new Row(clients, (cpu1 - cpu0) / elapsed, (bytes1 - bytes0) * 8 / 1000.0 / clients / elapsed, (rxCpu1 - rxCpu0) / elapsed);
    }

    /// <summary>Established connections from the stream port and the bytes the kernel sent on them.</summary>
    private static (int Connections, long Bytes) SentBytes(int port)
    {
        var psi = new ProcessStartInfo("ss", ["-tinH", "state", "established", $"( sport = :{port} )"]) { RedirectStandardOutput = true };
        using var ss = Process.Start(psi)!;
        var text = ss.StandardOutput.ReadToEnd();
        ss.WaitForExit();
        var sent = BytesSent().Matches(text);
        return (sent.Count, sent.Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
    }

    [GeneratedRegex(@"bytes_sent:(\d+)")]
    private static partial Regex BytesSent();

    private static double Cpu(Process p)
    {
        try { p.Refresh(); return p.TotalProcessorTime.TotalSeconds; }
        catch (InvalidOperationException) { return 0; }   // exited
    }

    private static Process Start(string file, params string[] args) =>
        Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })
        ?? throw new InvalidOperationException($"{file} did not start");

    private static void Run(string file, params string[] args)
    {
        using var p = Start(file, args);
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {p.StandardError.ReadToEnd()}");
    }

    /// <summary>SIGTERM (a background child ignores SIGINT), then a kill if it does not go.</summary>
    private static void Terminate(Process p)
    {
        try
        {
            if (!p.HasExited) Run("kill", "-TERM", p.Id.ToString(CultureInfo.InvariantCulture));
            if (!p.WaitForExit(3000)) p.Kill();
        }
        catch (InvalidOperationException) { }
        p.Dispose();
    }

    private static int FreeTcpPort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }

    private static string LoadAverage()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }
}
