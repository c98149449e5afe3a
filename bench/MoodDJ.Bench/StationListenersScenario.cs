using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MoodDJ.Station;
using MoodDJ.Client;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Bench;

/// <summary>
/// How many listeners one station feeds in real time: N lightweight UDP receivers in a child process
/// (one socket each, counting RTP packets) subscribe through one control session; the station streams
/// Opus 20 ms frames (50 packets/s per listener, `--codec opus`, the default) or L16 10 ms frames (100/s,
/// `--codec pcm`) for a measured window. Delivery is counted against what real time demands
/// (listeners × window × frames/s), not against what the station managed to send, so a pump that falls
/// behind shows. Prints the station process's CPU (Process.TotalProcessorTime) as CPU-seconds per
/// listener-hour. The receivers share the 2-core machine.
/// `mesh` subscribes every receiver as a relaying peer fed directly (station:maxDirectPeers = N): the
/// station protects and signs each frame once and sends the same bytes to all (docs/protocol.md,
/// "Live relay mesh"), against `aead`'s SRTP per listener.
/// `--send direct` (the default) is the synchronous, sendmmsg-batched fan-out; `async` the transport's async sends
/// (station:directSend=false); `both` measures the two back to back for each listener count.
/// `dotnet run -c Release --project bench/MoodDJ.Bench -- station-listeners [none|aead|mesh] [listeners...] [--codec opus|pcm] [--send direct|async|both] [--seconds S]`
/// </summary>
public sealed class StationListenersScenario : IBenchScenario
{
    public string Name => "station-listeners";

    public async Task<int> RunAsync(string[] args)
    {
        var mode = args.FirstOrDefault(a => a is "none" or "aead" or "mesh") ?? "none";
        var crypto = mode == "mesh" ? "aead" : mode;
        var mesh = mode == "mesh";
        var seconds = 10.0;
        var codec = "opus";
        var sends = new List<bool> { true };
        var counts = new List<int>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--seconds" && i + 1 < args.Length) seconds = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            else if (args[i] == "--codec" && i + 1 < args.Length) codec = args[++i];
            else if (args[i] == "--send" && i + 1 < args.Length)
                sends = args[++i] switch
                {
                    "direct" => [true],
                    "async" => [false],
                    "both" => [false, true],
                    var other => throw new ArgumentException($"--send must be direct, async or both, not '{other}'."),
                };
            else if (int.TryParse(args[i], out var n)) counts.Add(n);
        }
        if (codec is not ("opus" or "pcm")) throw new ArgumentException($"--codec must be opus or pcm, not '{codec}'.");
        if (counts.Count == 0) counts.AddRange([250, 500, 1000]);
        var framesPerSecond = codec == "opus" ? 50 : 100;
        var what = codec == "opus" ? "Opus 48 kHz stereo 128 kbit/s, 20 ms frames (50 packets/s each)" : "L16 44.1 kHz mono, 10 ms frames (100 packets/s each)";
        Console.WriteLine($"listeners fed in real time: {what}, crypto {crypto}{(mesh ? " (one shared SRTP key, Ed25519-signed once per frame: mesh peers fed directly)" : crypto == "aead" ? " (SRTP per listener)" : "")}, {seconds:0} s window; {Environment.ProcessorCount} cores, receivers in a child process; load average {LoadAverage()}");
        Console.WriteLine("send   | listeners | pump frames/s (of) | delivered of real time | skipped busy | send errors | station CPU | CPU-s per listener-hour | receiver CPU");
        foreach (var n in counts)
            foreach (var direct in sends)
                await MeasureAsync(crypto, codec, framesPerSecond, n, seconds, mesh, direct);
        return 0;
    }

    private static string LoadAverage()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }

    private static async Task MeasureAsync(string crypto, string codec, int framesPerSecond, int listeners, double seconds, bool mesh, bool direct)
    {
        await using var engine = StationBenchSupport.StartEngine(crypto, codec, ("station:directSend", direct ? "true" : "false"), ("station:maxDirectPeers", listeners.ToString()),
            ("station:maxListeners", (listeners + 10).ToString()), ("station:maxListenersPerSession", listeners.ToString()),
            ("station:heartbeatIntervalSeconds", "30"), ("station:listenerExpirySeconds", "300"), ("station:sendBufferBytes", (8 << 20).ToString()));
        await using var station = StationFactory.Create(engine);
        await station.StartAsync();
        using var receivers = ReceiverProcess.StartUdp(listeners);
        await using var client = StationBenchSupport.Client(engine, station.ControlEndPoint, "bench");
        await client.ConnectAsync();
        foreach (var port in receivers.Ports)
            await (mesh ? client.SubscribeAsync(new SubscribeParams(port, Relay: 0)) : StationBenchSupport.SubscribeAsync(client, port));
        await Task.Delay(2000);   // warm up

        var self = Process.GetCurrentProcess();
        var c = station.Counters;
        var (_, frames0, skipped0, errors0, cpu0, rxCpu0, rx0) = (c.PacketsSent, c.Frames, c.FramesSkippedBusy, c.SendErrors, self.TotalProcessorTime, receivers.Cpu, receivers.Count().Packets);
        var watch = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        self.Refresh();
        var (_, frames1, skipped1, errors1, cpu1, rxCpu1) = (c.PacketsSent, c.Frames, c.FramesSkippedBusy, c.SendErrors, self.TotalProcessorTime, receivers.Cpu);
        var rx1 = receivers.Count().Packets;
        var elapsed = watch.Elapsed.TotalSeconds;
        // What real time demands of the window, against what the receivers got in it (a datagram or two in flight at either edge cancel out).
        var demanded = listeners * elapsed * framesPerSecond;
        var delivery = (rx1 - rx0) / demanded;
        var cpu = (cpu1 - cpu0).TotalSeconds / elapsed;
        Console.WriteLine($"{(direct ? "direct" : "async"),-6} | {listeners,9} | {(frames1 - frames0) / elapsed,8:0.0} ({framesPerSecond,3})    | {delivery,21:P2} | {skipped1 - skipped0,12:N0} | {errors1 - errors0,11:N0} | {cpu,9:P0} core | {cpu / listeners * 3600,23:0.00} | {(rxCpu1 - rxCpu0).TotalSeconds / elapsed,6:P0} core");
    }
}

/// <summary>The receiver side of station-listeners, c-fanout and fanout-compare (run by them as a child process, <see cref="ReceiverProcess"/>).</summary>
public sealed class StationListenersReceiverScenario : IBenchScenario
{
    public string Name => "station-listeners-rx";

    public async Task<int> RunAsync(string[] args)
    {
        var n = int.Parse(args[0]);
        var sockets = new Socket[n];
        for (var i = 0; i < n; i++)
        {
            sockets[i] = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 256 * 1024 };
            sockets[i].Bind(new IPEndPoint(IPAddress.Loopback, 0));
        }
        Console.WriteLine(string.Join(",", sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port)));
        long total = 0, bytes = 0;
        using var stop = new CancellationTokenSource();
        var loops = sockets.Select(socket => Task.Run(async () =>
        {
            var buffer = new byte[2048];
            try
            {
                while (true)
                {
                    var n = await socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, stop.Token);
                    if (n >= 2 && buffer[1] is >= 200 and <= 204) continue;   // an RTCP report, not a frame
                    Interlocked.Increment(ref total);
                    Interlocked.Add(ref bytes, n);
                }
            }
            catch (Exception) { }
        })).ToArray();
        string? line;
        while ((line = Console.ReadLine()) is not null && line != "quit")
            Console.WriteLine($"{Interlocked.Read(ref total)} {Interlocked.Read(ref bytes)}");
        stop.Cancel();
        foreach (var s in sockets) s.Dispose();
        await Task.WhenAll(loops);
        return 0;
    }
}
