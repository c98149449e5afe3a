using System.Diagnostics;
using System.Net;
using System.Text.Json;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Client;
using MoodDJ.Music;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Station;
using MoodDJ.Testing;

namespace MoodDJ.Bench;

/// <summary>
/// A new mood heard within seconds: while one mood's music plays, a prompt for another mood; the time
/// from sending it to (a) the reply, (b) the first audio of the new mood at the player (its tone above
/// 5 % of full level) and (c) the new track at full level (≥ 95 %, the old one gone). A real station
/// (lexicon, L16, aead + SRTP, tcp, udp on loopback) and a real StationPlayer; the music is
/// <see cref="MoodToneSource"/> (one tone per mood, so the player's audio tells which mood it hears).
/// Targets: first new audio ≤ 500 ms, full level ≤ 4 s.
/// `dotnet run -c Release --project bench/MoodDJ.Bench -- prompt-crossfade [runs=10] [crossfadeMs=3000]`
/// </summary>
public sealed class PromptCrossfadeScenario : IBenchScenario
{
    public string Name => "prompt-crossfade";

    private static readonly string[] Prompts = ["I feel happy and full of energy", "so calm and relaxed tonight"];

    public async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length > 0 && int.TryParse(args[0], out var r) ? r : 10;
        var crossfadeMs = args.Length > 1 && int.TryParse(args[1], out var c) ? c : new MusicOptions().CrossfadeMs;
        await using var engine = StationBenchSupport.StartEngine("aead");
        var options = StationOptions.From(engine.Configuration);
        var director = new MusicDirector([new MoodToneSource()], options.Format, new MusicOptions { CrossfadeMs = crossfadeMs, PreferencesFile = "none" });
        await using var station = new StationServer(new LiveStation(options, new StationParts(engine.MoodAnalyzer, director, engine.Codec, engine.Crypto, engine.ControlTransport, engine.StreamTransport)) { OwnsDirector = true });
        await station.StartAsync();
        await using var client = StationBenchSupport.Client(engine, station.ControlEndPoint, "bench");
        await client.ConnectAsync();
        var output = new ToneTrackingOutput();
        var player = new StationPlayer(engine.StreamTransport, engine.Codec, output, IPAddress.Loopback,
            (port, ct) => StationBenchSupport.SubscribeAsync(client, port, ct), new StationPlayerOptions { JitterDepth = TimeSpan.FromMilliseconds(60) });
        using var stop = new CancellationTokenSource();
        var playing = player.RunAsync(stop.Token);
        Console.WriteLine($"prompt → new mood at the player: loopback, L16 + SRTP, jitter buffer 60 ms, crossfade {crossfadeMs} ms; {runs} runs (+1 warm-up); {Environment.ProcessorCount} cores; load {Load()}");

        var previous = await PromptAsync(client, Prompts[1]);
        await WaitAsync(() => Last(output, previous) > 0.38, TimeSpan.FromSeconds(20));
        var reply = new List<double>();
        var first = new List<double>();
        var full = new List<double>();
        for (var run = -1; run < runs; run++)
        {
            await Task.Delay(500);
            var from = output.Blocks.Count;
            var start = Stopwatch.GetTimestamp();
            var mood = await PromptAsync(client, Prompts[(run + 2) % 2]);
            var replied = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            await WaitAsync(() => Last(output, mood) > 0.38 && Last(output, previous) < 0.01, TimeSpan.FromSeconds(15));
            var blocks = output.Blocks.Skip(from).ToList();
            double? At(Func<double[], bool> reached) => blocks.FirstOrDefault(b => reached(b.Amplitudes)) is { Amplitudes: not null } b
                ? Stopwatch.GetElapsedTime(start, b.Timestamp).TotalMilliseconds : null;
            var heard = At(a => a[(int)mood] > 0.02);
            var level = At(a => a[(int)mood] > 0.38 && a[(int)previous] < 0.01);
            previous = mood;
            if (run < 0) continue;
            reply.Add(replied);
            first.Add(heard ?? double.NaN);
            full.Add(level ?? double.NaN);
        }
        stop.Cancel();
        await playing;
        Console.WriteLine($"reply (mood read, new track named): median {StationBenchSupport.Median(reply):0} ms, max {reply.Max():0} ms");
        Console.WriteLine($"first new audio at the player:      median {StationBenchSupport.Median(first):0} ms, p90 {StationBenchSupport.Percentile(first, 90):0} ms, max {first.Max():0} ms (target ≤ 500 ms: {(first.Max() <= 500 ? "met" : StationBenchSupport.Median(first) <= 500 ? "met by the median" : "NOT met")})");
        Console.WriteLine($"new track at full level:             median {StationBenchSupport.Median(full):0} ms, p90 {StationBenchSupport.Percentile(full, 90):0} ms, max {full.Max():0} ms (target ≤ 4000 ms: {(full.Max() <= 4000 ? "met" : StationBenchSupport.Median(full) <= 4000 ? "met by the median" : "NOT met")})");
        Console.WriteLine($"load after: {Load()}");
        return 0;
    }

    private static async Task<MoodLabel> PromptAsync(StationControlClient client, string text)
    {
        var result = await client.PromptAsync(text);
        return Enum.Parse<MoodLabel>(result.Mood.Label, ignoreCase: true);
    }

    private static double Last(ToneTrackingOutput output, MoodLabel mood) => output.Blocks is { Count: > 0 } b ? b[^1].Amplitudes[(int)mood] : 0;

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!condition() && Stopwatch.GetTimestamp() < deadline) await Task.Delay(5);
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "?";
}
