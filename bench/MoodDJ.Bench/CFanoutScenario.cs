using System.Diagnostics;
using System.Globalization;

namespace MoodDJ.Bench;

/// <summary>
/// The C floor for the station's fan-out: bench/c/fanout.c (compiled here with gcc against OpenSSL's
/// libcrypto) sends MoodDJ's pattern, one RTP packet per frame to every listener, to the same child
/// process of UDP receivers that station-listeners uses, with and without SRTP per listener and with
/// sendto or sendmmsg. Prints the same columns as station-listeners (CPU-s per listener-hour from the
/// sender's getrusage), so the two can run back to back and be compared in one sitting.
/// Needs gcc and libssl-dev.
/// `dotnet run -c Release --project bench/MoodDJ.Bench -- c-fanout [listeners] [--codec opus|pcm] [--seconds S]`
/// </summary>
public sealed class CFanoutScenario : IBenchScenario
{
    private const double WarmUpSeconds = 2;

    public string Name => "c-fanout";

    public async Task<int> RunAsync(string[] args)
    {
        var listeners = 1000;
        var seconds = 10.0;
        var codec = "opus";
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--seconds" && i + 1 < args.Length) seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--codec" && i + 1 < args.Length) codec = args[++i];
            else if (int.TryParse(args[i], out var n) && n > 0) listeners = n;
            else throw new ArgumentException($"c-fanout: unknown argument '{args[i]}'.");
        }
        // Opus 128 kbit/s in 20 ms frames is 320 bytes a packet at 50/s; L16 44.1 kHz mono in 10 ms, 882 at 100/s.
        var (rate, payload) = codec switch
        {
            "opus" => (50, 320),
            "pcm" => (100, 882),
            _ => throw new ArgumentException($"--codec must be opus or pcm, not '{codec}'."),
        };
        var program = Compile();
        Console.WriteLine($"c-fanout: {listeners} listeners, {payload}-byte payloads at {rate}/s ({codec}), {seconds:0} s window; {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        Console.WriteLine("send     | protection | frames/s (of) | delivered of real time | sender CPU | CPU-s per listener-hour");
        foreach (var protection in new[] { "plain", "srtp" })
            foreach (var send in new[] { "sendto", "sendmmsg" })
                await MeasureAsync(program, listeners, rate, payload, send, protection, seconds);
        return 0;
    }

    private static async Task MeasureAsync(string program, int listeners, int rate, int payload, string send, string protection, double seconds)
    {
        using var receivers = ReceiverProcess.StartUdp(listeners);
        var psi = new ProcessStartInfo(program, [seconds.ToString(CultureInfo.InvariantCulture), WarmUpSeconds.ToString(CultureInfo.InvariantCulture),
            rate.ToString(CultureInfo.InvariantCulture), payload.ToString(CultureInfo.InvariantCulture), send, protection])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        using var sender = Process.Start(psi)!;
        await sender.StandardInput.WriteLineAsync(string.Join(",", receivers.Ports));
        sender.StandardInput.Close();
        await Task.Delay(TimeSpan.FromSeconds(WarmUpSeconds));
        var rx0 = receivers.Count().Packets;
        var line = await sender.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("fanout printed nothing");
        await sender.WaitForExitAsync();
        await Task.Delay(100);   // the last datagrams in flight
        var rx1 = receivers.Count().Packets;
        var parts = line.Split(' ');
        var cpu = double.Parse(parts[1], CultureInfo.InvariantCulture) / seconds;
        var frames = double.Parse(parts[5], CultureInfo.InvariantCulture) / seconds;
        var delivered = (rx1 - rx0) / (listeners * seconds * rate);
        Console.WriteLine($"{send,-8} | {protection,-10} | {frames,7:0.0} ({rate,3}) | {delivered,22:P1} | {cpu,5:P0} core | {cpu / listeners * 3600,23:0.00}");
    }

    private static string Compile()
    {
        var source = FindSource();
        var output = Path.Combine(Path.GetTempPath(), $"mooddj-fanout-{Environment.ProcessId}");
        using var gcc = Process.Start(new ProcessStartInfo("gcc", ["-O2", "-Wall", "-Wno-deprecated-declarations", "-o", output, source, "-lcrypto"]) { RedirectStandardError = true })!;
        var errors = gcc.StandardError.ReadToEnd();
        gcc.WaitForExit();
        if (gcc.ExitCode != 0) throw new InvalidOperationException($"gcc could not build {source} (needs gcc and libssl-dev): {errors}");
        return output;
    }

    /// <summary>bench/c/fanout.c, found by walking up from the bench's output folder to the repository.</summary>
    private static string FindSource()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "bench", "c", "fanout.c");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("bench/c/fanout.c was not found above " + AppContext.BaseDirectory);
    }

    private static string LoadAverage()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }
}
