using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Client;
using MoodDJ.Media;
using MoodDJ.Plugins.UdpStream;
using MoodDJ.Protocol;
using MoodDJ.Station;
using MoodDJ.Testing;
using Xunit.Abstractions;

namespace MoodDJ.Station.Tests.Station;

/// <summary>
/// The heartbeat channel's clock estimate where the truth is known: station and players in one process
/// share <see cref="MediaClock.Shared"/>, so every estimate should read 0 and what it reads is its error.
/// Two players heartbeat every 20 ms for 4 s while other threads keep the cores busy in bursts, as a
/// player's decoding and relaying do, so receive loops wake late by varying amounts.
/// </summary>
public sealed class ClockEstimateErrorTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_clock_estimate_in_one_process_reads_close_to_zero(bool kernelStamps)
    {
        IStreamTransport udp = new UdpStreamTransport();
        // A wrapping transport hides the OS socket: the receive loops stamp datagrams themselves (the plain path).
        var transport = kernelStamps ? udp : new LossyStreamTransport(udp, 0, 1);
        var registry = new ListenerRegistry(10, 10, TimeSpan.FromSeconds(30));
        using var socket = transport.Open(new DatagramSocketOptions { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0) });
        using var stop = new CancellationTokenSource();
        var server = Task.Run(() => new HeartbeatServer(socket, registry, new StationCounters(), 10_000, NullLogger.Instance).RunAsync(stop.Token));
        var clients = Enumerable.Range(0, 2).Select(i =>
        {
            var listener = registry.TryAdd("s", new IPEndPoint(IPAddress.Loopback, 40200 + i), ClearRtp.Instance, out _)!;
            return new HeartbeatClient(transport, socket.LocalEndPoint, listener.Token, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(20));
        }).ToArray();
        var running = clients.Select(c => c.RunAsync(stop.Token)).ToArray();
        var busy = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(() => Bursts(stop.Token), TaskCreationOptions.LongRunning)).ToArray();

        var errors = new List<double>();
        var until = Stopwatch.GetTimestamp() + 4 * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < until)
        {
            await Task.Delay(20);
            foreach (var client in clients)
                if (client.Clock.IsReady && client.Clock.Samples >= 10)
                    errors.Add(Math.Abs(MediaClock.Seconds(client.Clock.OffsetAt(MediaClock.Shared.Now))) * 1e6);
        }
        stop.Cancel();
        await Task.WhenAll(running);
        await Task.WhenAll(busy);
        socket.Dispose();
        await server;
        foreach (var client in clients) client.Dispose();

        errors.Sort();
        double P(double p) => errors[Math.Min(errors.Count - 1, (int)Math.Ceiling(p * errors.Count) - 1)];
        var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
        output.WriteLine($"{(clients[0].KernelTimestamps ? "kernel receive stamps" : "receive-loop stamps")}: |offset| (truth 0) over {errors.Count} readings " +
            $"p50 {P(0.5):F1} µs, p95 {P(0.95):F1} µs, max {errors[^1]:F1} µs; least round trip {MediaClock.Seconds(clients[0].Clock.Delay) * 1e6:F1} µs; load {load}");
        Assert.True(errors.Count > 100, $"only {errors.Count} readings");
        if (!kernelStamps || !OperatingSystem.IsLinux()) return;
        Assert.True(clients.All(c => c.KernelTimestamps), "the UDP transport's sockets take kernel receive stamps on Linux");
        // Synchronized play-out's target is 0.1 ms between two players; each estimate must stay well inside half of it.
        Assert.True(P(0.95) <= 40, $"p95 |offset| {P(0.95):F1} µs where the truth is 0");
    }

    /// <summary>Busy for 0–3 ms, idle for 1 ms, until stopped: the cores are taken at random moments.</summary>
    private static void Bursts(CancellationToken cancellationToken)
    {
        var random = new Random(7);
        while (!cancellationToken.IsCancellationRequested)
        {
            var until = Stopwatch.GetTimestamp() + random.Next(0, 3 * (int)(Stopwatch.Frequency / 1000));
            while (Stopwatch.GetTimestamp() < until) Thread.SpinWait(50);
            Thread.Sleep(1);
        }
    }
}
