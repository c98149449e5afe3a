using System.Diagnostics;
using System.Net;
using System.Text.Json;
using MoodDJ.Abstractions.Crypto;
using MoodDJ.Client;
using MoodDJ.Protocol.Messages;
using MoodDJ.Protocol;
using MoodDJ.Station;
using MoodDJ.Plugins.AeadCrypto;
using MoodDJ.Plugins.NoCrypto;
using MoodDJ.Plugins.TcpControl;

namespace MoodDJ.Bench;

/// <summary>
/// Control round trip over loopback: a real ControlServer (tcp transport, none or aead crypto) and
/// a StationClient. Measures sequential ping round trips (median, p99), a 1 MiB echo that is split
/// into frames, handshakes per second, and pings per second with many clients at once.
/// `dotnet run -c Release --project bench/MoodDJ.Bench -- control-rtt [pings]`
/// </summary>
public sealed class ControlRoundTripScenario : IBenchScenario
{
    public string Name => "control-rtt";

    public async Task<int> RunAsync(string[] args)
    {
        var pings = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 5000;
        var key = new byte[32];
        Random.Shared.NextBytes(key);
        Console.WriteLine($"control round trip over 127.0.0.1, {pings} sequential pings per crypto; {Environment.ProcessorCount} cores");
        foreach (var (name, crypto) in new (string, ICryptoProvider)[] { ("none", new NoCryptoProvider()), ("aead", new AeadCryptoProvider(new AeadOptions(key))) })
            await MeasureAsync(name, crypto, pings);
        return 0;
    }

    private static async Task MeasureAsync(string name, ICryptoProvider crypto, int pings)
    {
        var transport = new TcpControlTransport();
        await using var server = new ControlServer(transport, crypto, new BenchHandler(),
            new ControlServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0), MaxConnections = 10_000 });
        await server.StartAsync();
        StationClient NewClient() => new(transport, crypto, new StationClientOptions
        {
            EndPoint = server.LocalEndPoint,
            HelloMethod = null,
            HeartbeatInterval = Timeout.InfiniteTimeSpan,
            AutoReconnect = false,
            CallTimeout = TimeSpan.FromSeconds(30),
        });

        await using (var client = NewClient())
        {
            await client.ConnectAsync();
            for (var i = 0; i < 500; i++) await client.CallAsync(StationMethods.Ping);

            var samples = new double[pings];
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            for (var i = 0; i < pings; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await client.CallAsync(StationMethods.Ping);
                samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
            var allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)pings;
            Array.Sort(samples);
            Console.WriteLine($"{name,-5} ping        median {samples[pings / 2],8:0} µs   p99 {samples[(int)(pings * 0.99)],8:0} µs   max {samples[^1],8:0} µs   ~{allocated:0} B allocated per round trip (client+server)");

            var big = new string('x', 1 << 20);
            var echoes = new double[20];
            for (var i = 0; i < echoes.Length; i++)
            {
                var start = Stopwatch.GetTimestamp();
                var reply = await client.CallAsync("echo", new { big });
                echoes[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (reply.GetProperty("big").GetString()!.Length != big.Length) throw new InvalidOperationException("echo corrupted");
            }
            Array.Sort(echoes);
            Console.WriteLine($"{name,-5} 1 MiB echo  median {echoes[echoes.Length / 2],8:0.0} ms   (split into {Math.Ceiling((1 << 20) / 65000.0)}+ frames each way)");
        }

        // Connection set-up: connect + handshake, one after another.
        var handshakes = 200;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < handshakes; i++)
        {
            await using var c = NewClient();
            await c.ConnectAsync();
        }
        Console.WriteLine($"{name,-5} connect+handshake  {watch.Elapsed.TotalMilliseconds / handshakes,6:0.00} ms each ({handshakes} sequential)");

        // Many clients pinging at once.
        const int clients = 100, each = 200;
        var many = new List<StationClient>();
        for (var i = 0; i < clients; i++)
        {
            var c = NewClient();
            await c.ConnectAsync();
            many.Add(c);
        }
        watch.Restart();
        await Task.WhenAll(many.Select(async c =>
        {
            for (var i = 0; i < each; i++) await c.CallAsync(StationMethods.Ping);
        }));
        var rate = clients * each / watch.Elapsed.TotalSeconds;
        Console.WriteLine($"{name,-5} {clients} clients × {each} pings: {rate,8:0} round trips/s");
        foreach (var c in many) await c.DisposeAsync();
    }

    private sealed class BenchHandler : IControlHandler
    {
        public ValueTask<JsonElement?> HandleAsync(ControlSession session, string method, JsonElement parameters, CancellationToken cancellationToken)
            => method == "echo" ? ValueTask.FromResult<JsonElement?>(parameters.Clone()) : throw JsonRpcException.MethodNotFound(method);
    }
}
