using System.Diagnostics;
using System.Net;
using MoodDJ.Station;
using MoodDJ.Client;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Bench;

/// <summary>
/// Prompt → first audio sample at the player, over loopback, generator source: a real station
/// (aead crypto, SRTP), a StationClient sending the prompt, and a StationPlayer whose output notes
/// the first non-silent sample. Each run uses a fresh station (so it starts silent) on one engine.
/// `dotnet run -c Release --project bench/MoodDJ.Bench -- station-first-sample [runs] [jitterMs]`
/// </summary>
public sealed class StationFirstSampleScenario : IBenchScenario
{
    public string Name => "station-first-sample";

    public async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length > 0 && int.TryParse(args[0], out var r) ? r : 20;
        var jitterMs = args.Length > 1 && int.TryParse(args[1], out var j) ? j : 60;
        await using var engine = StationBenchSupport.StartEngine("aead");
        Console.WriteLine($"prompt → first audio sample at the player, loopback, generator, L16 + SRTP, jitter buffer {jitterMs} ms; {runs} runs; {Environment.ProcessorCount} cores");
        var total = new List<double>();
        var reply = new List<double>();
        for (var run = -2; run < runs; run++)   // two warm-up runs
        {
            await using var station = StationFactory.Create(engine);
            await station.StartAsync();
            await using var client = StationBenchSupport.Client(engine, station.ControlEndPoint, "bench");
            await client.ConnectAsync();
            var output = new FirstSoundOutput();
            var player = new StationPlayer(engine.StreamTransport, engine.Codec, output, IPAddress.Loopback,
                (port, ct) => StationBenchSupport.SubscribeAsync(client, port, ct),
                new StationPlayerOptions { JitterDepth = TimeSpan.FromMilliseconds(jitterMs) });
            using var stop = new CancellationTokenSource();
            var playing = player.RunAsync(stop.Token);
            await player.FirstSamplePlayed.WaitAsync(TimeSpan.FromSeconds(10));   // the player is up and playing silence
            await Task.Delay(200);

            var start = Stopwatch.GetTimestamp();
            await client.PromptAsync(run % 2 == 0 ? "I feel happy and full of energy" : "so calm and relaxed tonight");
            var replied = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10;
            while (output.FirstSound < 0 && Stopwatch.GetTimestamp() < deadline)
                await Task.Delay(1);
            var firstSound = output.FirstSound < 0 ? double.NaN : Stopwatch.GetElapsedTime(start, output.FirstSound).TotalMilliseconds;
            stop.Cancel();
            await playing;
            if (run < 0) continue;
            total.Add(firstSound);
            reply.Add(replied);
        }
        Console.WriteLine($"prompt reply (mood read, track started): median {StationBenchSupport.Median(reply):0.0} ms");
        Console.WriteLine($"prompt → first sample at the player: median {StationBenchSupport.Median(total):0.0} ms, p90 {StationBenchSupport.Percentile(total, 90):0.0} ms, min {total.Min():0.0} ms, max {total.Max():0.0} ms");
        Console.WriteLine($"target ≤ 150 ms median: {(StationBenchSupport.Median(total) <= 150 ? "met" : "NOT met")}");
        return 0;
    }
}
