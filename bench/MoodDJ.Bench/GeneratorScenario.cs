using System.Diagnostics;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;
using MoodDJ.Plugins.Generator;

namespace MoodDJ.Bench;

/// <summary>
/// The generator: time from OpenAsync to the first 10 ms of PCM, and how many times faster than real
/// time each mood renders (by wall clock and by CPU time, which a loaded machine distorts less).
/// `dotnet run -c Release --project bench/MoodDJ.Bench -- generator [seconds]`
/// </summary>
public sealed class GeneratorScenario : IBenchScenario
{
    public string Name => "generator";

    public async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 && int.TryParse(args[0], out var s) ? s : 60;
        Console.WriteLine($"generator: {seconds} s per mood and format, {Environment.ProcessorCount} cores, load {LoadAverage()}");
        var source = new GeneratorMusicSource(1, TimeSpan.FromMinutes(5));
        Console.WriteLine($"{"mood",-10} {"first PCM median",17} {"44.1k mono wall",16} {"cpu",8} {"48k stereo wall",16} {"cpu",8}");
        var firsts = new List<double>();
        var wallMono = new List<double>();
        var cpuMono = new List<double>();
        foreach (var mood in Enum.GetValues<MoodLabel>())
        {
            var track = await FirstAsync(source, new MoodReading(mood, 0.3, 0.3, 1));
            var first = await FirstPcmMillisecondsAsync(source, track);
            var (monoWall, monoCpu) = await RealtimeFactorAsync(source, track, AudioFormat.SeedMono, seconds);
            var (stereoWall, stereoCpu) = await RealtimeFactorAsync(source, track, AudioFormat.OpusStereo, seconds);
            firsts.Add(first);
            wallMono.Add(monoWall);
            cpuMono.Add(monoCpu);
            Console.WriteLine($"{mood,-10} {first,14:0.00} ms {monoWall,15:0}× {monoCpu,7:0}× {stereoWall,15:0}× {stereoCpu,7:0}×");
        }
        Console.WriteLine($"median over moods: first PCM {Median(firsts):0.00} ms, 44.1k mono {Median(wallMono):0}× real time (wall), {Median(cpuMono):0}× (CPU)");
        return 0;
    }

    private static async Task<double> FirstPcmMillisecondsAsync(GeneratorMusicSource source, TrackInfo track)
    {
        var buffer = new float[441];
        var samples = new List<double>();
        for (var i = 0; i < 21; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await using var stream = await source.OpenAsync(track, AudioFormat.SeedMono);
            await stream.ReadAsync(buffer);
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return Median(samples.Skip(1).ToList());
    }

    private static async Task<(double Wall, double Cpu)> RealtimeFactorAsync(GeneratorMusicSource source, TrackInfo track, AudioFormat format, int seconds)
    {
        await using var stream = await source.OpenAsync(track, format);
        var buffer = new float[format.SamplesFor(TimeSpan.FromMilliseconds(20))];
        var total = (long)format.SamplesFor(TimeSpan.FromSeconds(seconds));
        var process = Process.GetCurrentProcess();
        var cpuStart = process.TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        for (long done = 0; done < total;) done += await stream.ReadAsync(buffer);
        var wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuStart).TotalSeconds;
        return (seconds / wall, seconds / cpu);
    }

    private static async Task<TrackInfo> FirstAsync(IMusicSource source, MoodReading mood)
    {
        await foreach (var track in source.FindTracksAsync(mood, 1)) return track;
        throw new InvalidOperationException("The generator offered no track.");
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
