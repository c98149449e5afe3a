using System.Diagnostics;
using System.Net;
using MoodDJ.Peers.Tracker;

namespace MoodDJ.Bench;

/// <summary>
/// BEP 15 announce round trips over loopback: a real UdpTrackerServer and UdpTrackerClients. Measures
/// sequential announces from one client (median, p99, per second) and announces per second from many
/// clients at once, each client its own peer in one swarm of up to 1 000 and asking for 50 peers.
/// `dotnet run -c Release --project bench/MoodDJ.Bench -- tracker-announce [announces] [clients]`
/// </summary>
public sealed class TrackerAnnounceScenario : IBenchScenario
{
    public string Name => "tracker-announce";

    public async Task<int> RunAsync(string[] args)
    {
        var announces = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 20_000;
        var clients = args.Length > 1 && int.TryParse(args[1], out var c) ? c : 16;
        await using var server = new UdpTrackerServer(new UdpTrackerServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) });
        server.Start();
        var hash = InfoHash.FromSwarmId("6d6f6f64646a2062656e6368206d6f6f64646a21");
        var options = new UdpTrackerClientOptions { InitialTimeout = TimeSpan.FromSeconds(2), MaxAttempts = 3 };
        Console.WriteLine($"BEP 15 announce over 127.0.0.1: {announces} sequential, then {clients} clients at once; {Environment.ProcessorCount} cores, load {Load()}");

        // A swarm of 100 so every reply carries 50 peers (the default cap), as a busy station's would.
        for (int i = 0; i < 100; i++)
        {
            using var filler = new UdpTrackerClient(server.LocalEndPoint, options);
            await filler.AnnounceAsync(new AnnounceParameters(hash, PeerId.NewMoodDJ(), (ushort)(10_000 + i)) { Event = AnnounceEvent.Started });
        }

        using (var client = new UdpTrackerClient(server.LocalEndPoint, options))
        {
            var parameters = new AnnounceParameters(hash, PeerId.NewMoodDJ(), 9000);
            for (int i = 0; i < 500; i++) await client.AnnounceAsync(parameters);
            var samples = new double[announces];
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var total = Stopwatch.StartNew();
            for (int i = 0; i < announces; i++)
            {
                var start = Stopwatch.GetTimestamp();
                var result = await client.AnnounceAsync(parameters);
                samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                if (result.Peers.Count != 50) throw new InvalidOperationException($"expected 50 peers, got {result.Peers.Count}");
            }
            total.Stop();
            var allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)announces;
            Array.Sort(samples);
            Console.WriteLine($"1 client    median {samples[announces / 2],6:0} µs   p99 {samples[(int)(announces * 0.99)],6:0} µs   {announces / total.Elapsed.TotalSeconds,8:0} announces/s   ~{allocated:0} B allocated per announce (client + server; the client builds a list of 50 endpoints)");
        }

        await MeasureServerAllocationAsync(server.LocalEndPoint, hash, announces);

        var many = Enumerable.Range(0, clients).Select(_ => new UdpTrackerClient(server.LocalEndPoint, options)).ToArray();
        try
        {
            var each = Math.Max(1, announces / clients);
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(many.Select((client, k) => Task.Run(async () =>
            {
                var parameters = new AnnounceParameters(hash, PeerId.NewMoodDJ(), (ushort)(20_000 + k));
                for (int i = 0; i < each; i++) await client.AnnounceAsync(parameters);
            })));
            watch.Stop();
            Console.WriteLine($"{clients} clients  {each * clients / watch.Elapsed.TotalSeconds,8:0} announces/s in total ({each} each)");
        }
        finally
        {
            foreach (var client in many) client.Dispose();
        }
        var counters = server.Counters;
        Console.WriteLine($"server: {counters}");
        return 0;
    }

    /// <summary>
    /// The same announce from a bare socket with a prebuilt packet and a reused buffer, so what is
    /// allocated is the server's (and the socket calls'): the steady state should allocate nothing per announce.
    /// </summary>
    private static async Task MeasureServerAllocationAsync(IPEndPoint tracker, InfoHash hash, int announces)
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        socket.Connect(tracker);
        var buffer = new byte[2048];
        TrackerCodec.WriteConnectRequest(buffer, 1);
        await socket.SendAsync(buffer.AsMemory(0, 16));
        await socket.ReceiveAsync(buffer.AsMemory());
        TrackerCodec.TryReadConnectResponse(buffer, out _, out var id);
        var packet = new byte[TrackerProtocol.AnnounceRequestLength];
        TrackerCodec.WriteAnnounceRequest(packet, new AnnounceRequest(id, 2, hash, PeerId.NewMoodDJ(), 0, 1, 0, AnnounceEvent.None, 0, -1, 9001));
        for (int i = 0; i < 500; i++) { await socket.SendAsync(packet.AsMemory()); await socket.ReceiveAsync(buffer.AsMemory()); }
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < announces; i++) { await socket.SendAsync(packet.AsMemory()); await socket.ReceiveAsync(buffer.AsMemory()); }
        watch.Stop();
        var allocated = (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)announces;
        Console.WriteLine($"bare socket {announces / watch.Elapsed.TotalSeconds,8:0} announces/s   ~{allocated:0} B allocated per announce (server + bare socket calls)");
    }

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
