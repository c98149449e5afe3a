using System.Diagnostics;
using System.Globalization;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;
using MoodDJ.Plugins.Generator;
using MoodDJ.Station;

namespace MoodDJ.Bench;

/// <summary>
/// MoodDJ's station against Snapcast (Debian's snapserver and snapclients) and Icecast (Debian's
/// icecast2, Ogg/Opus in 20 ms pages pushed by ffmpeg), run as processes on this machine and fed the
/// same music: the generator's "happy" output, rendered once and written at real-time pace into
/// snapserver's pipe and ffmpeg's stdin, while MoodDJ's station plays the generator itself. All send
/// Opus at 128 kbit/s. For each client count it measures over one window the server process's CPU
/// (Process.TotalProcessorTime, from /proc) and the bytes each client is sent: Snapcast's from the
/// kernel's per-connection TCP counters (`ss -ti`, bytes_sent), Icecast's and MoodDJ's from what their
/// receivers count (HTTP body bytes; UDP payload). The marginal cost per client is the slope between the
/// smallest and largest count, which leaves out what does not grow with clients (the encoder, the music);
/// listeners per core is one core divided by that marginal cost.
/// Snapcast's clients are real snapclients that decode and write to `null`; Icecast's and MoodDJ's are
/// receivers in a child process that read and count. All share the two cores with the server.
/// Icecast refuses to run as root, so it runs as the icecast2 user (runuser), which needs root.
/// `dotnet run -c Release --project bench/MoodDJ.Bench -- fanout-compare [clients...] [--seconds S] [--crypto aead|none] [--only mooddj,mooddj-pcm,snapcast,icecast]`
/// `mooddj-pcm` is the station in the seed's L16 (44.1 kHz mono, 10 ms), for the bandwidth Opus saves.
/// </summary>
public sealed class FanoutCompareScenario : IBenchScenario
{
    private const int Bitrate = 128_000;

    public string Name => "fanout-compare";

    public async Task<int> RunAsync(string[] args)
    {
        var seconds = 15.0;
        var crypto = "aead";
        var systems = new List<string> { "mooddj", "snapcast", "icecast" };
        var counts = new List<int>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--seconds" && i + 1 < args.Length) seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--crypto" && i + 1 < args.Length) crypto = args[++i];
            else if (args[i] == "--only" && i + 1 < args.Length) systems = [.. args[++i].Split(',')];
            else if (int.TryParse(args[i], out var n) && n > 0) counts.Add(n);
            else throw new ArgumentException($"fanout-compare: unknown argument '{args[i]}'.");
        }
        if (counts.Count == 0) counts.AddRange([10, 40]);
        counts.Sort();
        foreach (var system in systems)
            if ((system switch { "snapcast" => SnapcastRun.Unavailable(), "icecast" => IcecastRun.Unavailable(), "mooddj" or "mooddj-pcm" => null, _ => $"unknown system '{system}'" }) is { } why)
            {
                Console.Error.WriteLine($"fanout-compare cannot run {system}: {why}");
                return 2;
            }

        Console.WriteLine($"fanout-compare: Opus {Bitrate / 1000} kbit/s, {seconds:0} s window after {ComparedRow.WarmUp.TotalSeconds:0} s of warm-up, MoodDJ crypto {crypto}; {Environment.ProcessorCount} cores, load average {BenchProcesses.LoadAverage()}");
        Console.WriteLine("system   | clients | server CPU | CPU-s per client-hour | kbit/s sent per client | client CPU");
        var pcm = await RenderAsync(TimeSpan.FromSeconds(30));
        var rows = systems.ToDictionary(s => s, _ => new List<ComparedRow>());
        foreach (var n in counts)
            foreach (var system in systems)
            {
                var row = system switch
                {
                    "snapcast" => await SnapcastRun.MeasureAsync(pcm, n, seconds, Bitrate),
                    "icecast" => await IcecastRun.MeasureAsync(pcm, n, seconds, Bitrate),
                    "mooddj-pcm" => await MoodDJAsync(crypto, "pcm", n, seconds),
                    _ => await MoodDJAsync(crypto, "opus", n, seconds),
                };
                rows[system].Add(row);
                Console.WriteLine($"{system,-8} | {row.Clients,7} | {row.CpuCores,5:P1} core | {row.CpuCores / row.Clients * 3600,21:0.00} | {row.KbitPerClient,22:0.0} | {row.ClientCpuCores,6:P0} core");
            }
        if (counts.Count > 1)
        {
            Console.WriteLine($"marginal cost ({counts[0]} → {counts[^1]} clients): CPU-s per client-hour, and clients one core feeds at that cost");
            foreach (var (system, list) in rows)
            {
                var marginal = (list[^1].CpuCores - list[0].CpuCores) / (list[^1].Clients - list[0].Clients) * 3600;
                Console.WriteLine($"  {system,-8} {marginal,6:0.00} CPU-s per client-hour, {3600 / marginal,8:N0} clients per core");
            }
        }
        Console.WriteLine($"load average after: {BenchProcesses.LoadAverage()}");
        return 0;
    }

    /// <summary>The generator's "happy" track as 48 kHz stereo s16le, what snapserver's pipe and ffmpeg read.</summary>
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

    /// <summary>MoodDJ's station in this process (Opus, or L16 for `pcm`), playing "I feel happy" to N UDP receivers in a child process.</summary>
    private static async Task<ComparedRow> MoodDJAsync(string crypto, string codec, int clients, double seconds)
    {
        await using var engine = StationBenchSupport.StartEngine(crypto, codec, ("plugins:settings:opus:bitrate", Bitrate.ToString(CultureInfo.InvariantCulture)),
            ("station:maxListeners", (clients + 10).ToString(CultureInfo.InvariantCulture)), ("station:maxListenersPerSession", clients.ToString(CultureInfo.InvariantCulture)),
            ("station:heartbeatIntervalSeconds", "30"), ("station:listenerExpirySeconds", "300"));
        await using var station = StationFactory.Create(engine);
        await station.StartAsync();
        using var receivers = ReceiverProcess.StartUdp(clients);
        await using var client = StationBenchSupport.Client(engine, station.ControlEndPoint, "bench");
        await client.ConnectAsync();
        await client.PromptAsync("I feel happy");
        foreach (var port in receivers.Ports) await StationBenchSupport.SubscribeAsync(client, port);
        await Task.Delay(ComparedRow.WarmUp);

        var self = Process.GetCurrentProcess();
        var (cpu0, bytes0, rxCpu0) = (self.TotalProcessorTime.TotalSeconds, receivers.Count().Bytes, receivers.Cpu.TotalSeconds);
        var watch = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        self.Refresh();
        var (cpu1, bytes1, rxCpu1) = (self.TotalProcessorTime.TotalSeconds, receivers.Count().Bytes, receivers.Cpu.TotalSeconds);
        return ComparedRow.From(clients, watch.Elapsed.TotalSeconds, cpu1 - cpu0, bytes1 - bytes0, rxCpu1 - rxCpu0);
    }
}

/// <summary>One system at one client count: server CPU (cores), bytes sent per client (kbit/s) and the clients' own CPU.</summary>
internal readonly record struct ComparedRow(int Clients, double CpuCores, double KbitPerClient, double ClientCpuCores)
{
    public static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(4);

    public static ComparedRow From(int clients, double elapsed, double serverCpuSeconds, long bytes, double clientCpuSeconds) =>
        new(clients, serverCpuSeconds / elapsed, bytes * 8 / 1000.0 / clients / elapsed, clientCpuSeconds / elapsed);
}
