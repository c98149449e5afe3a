using MoodDJ.Hosting;
using System.Diagnostics;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;
using MoodDJ.Music;

namespace MoodDJ.Bench;

/// <summary>
/// `source-first-pcm [runs=20] [sources=local,generator]`: for each music source (loaded as a plugin),
/// the time from <see cref="MusicDirector.SetMoodAsync"/> to the first non-silent sample out of
/// <see cref="MusicDirector.ReadAsync"/>, reading 10 ms blocks as a station does. Targets: generator
/// ≤ 100 ms, local ≤ 150 ms (median).
/// </summary>
public sealed class SourceFirstPcmScenario : IBenchScenario
{
    public string Name => "source-first-pcm";

    private static readonly MoodReading[] Moods =
    [
        new(MoodLabel.Happy, 0.8, 0.5, 1), new(MoodLabel.Sad, -0.7, -0.4, 1), new(MoodLabel.Calm, 0.4, -0.7, 1),
        new(MoodLabel.Energetic, 0.5, 0.9, 1), new(MoodLabel.Angry, -0.7, 0.8, 1),
    ];

    public async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length > 0 ? int.Parse(args[0]) : 20;
        var names = args.Length > 1 ? args[1].Split(',', StringSplitOptions.RemoveEmptyEntries) : ["local", "generator"];
        var work = Path.Combine(Path.GetTempPath(), "mooddj-bench-first-pcm-" + Guid.NewGuid().ToString("N")[..8]);
        var library = Path.Combine(work, "music");
        try
        {
            Directory.CreateDirectory(work);
            SourceBenchSupport.MakeLibrary(library, 20, 30);
            var database = Path.Combine(work, "index.db");
            foreach (var name in names)
            {
                IMusicSource source;
                MoodDJEngine engine;
                try
                {
                    engine = SourceBenchSupport.StartEngine(work, [name], library, database);
                    source = engine.MusicSources[0];
                }
                catch (Exception e)
                {
                    Console.WriteLine($"{name,-10} not measured: {e.Message}");
                    continue;
                }
                await using (engine)
                {
                    await foreach (var _ in source.FindTracksAsync(MoodReading.Neutral, 1)) { } // index / warm up outside the timing
                    await MeasureAsync(source, AudioFormat.SeedMono, 2); // JIT warm-up
                    var times = await MeasureAsync(source, AudioFormat.SeedMono, runs);
                    Console.WriteLine($"{name,-10} mood → first PCM: median {SourceBenchSupport.Median(times),6:0.0} ms, min {times.Min(),6:0.0}, max {times.Max(),6:0.0} ({runs} runs, through MusicDirector)");
                    var (find, open) = await MeasureStagesAsync(source, AudioFormat.SeedMono, runs);
                    Console.WriteLine($"{name,-10}   of which search: median {SourceBenchSupport.Median(find),6:0.0} ms; open → first samples: median {SourceBenchSupport.Median(open),6:0.0} ms");
                }
            }
            return 0;
        }
        finally
        {
            try { Directory.Delete(work, true); } catch (IOException) { }
        }
    }

    /// <summary>The two stages on the source alone: FindTracksAsync, then OpenAsync up to the first samples read.</summary>
    private static async Task<(List<double> Find, List<double> Open)> MeasureStagesAsync(IMusicSource source, AudioFormat format, int runs)
    {
        var find = new List<double>();
        var open = new List<double>();
        var block = new float[format.SamplesFor(TimeSpan.FromMilliseconds(10))];
        for (var run = 0; run < runs; run++)
        {
            var clock = Stopwatch.StartNew();
            TrackInfo? track = null;
            await foreach (var t in source.FindTracksAsync(Moods[run % Moods.Length], 10)) track ??= t;
            find.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            await using var pcm = await source.OpenAsync(track!, format);
            await pcm.ReadAsync(block);
            open.Add(clock.Elapsed.TotalMilliseconds);
        }
        return (find, open);
    }

    private static async Task<List<double>> MeasureAsync(IMusicSource source, AudioFormat format, int runs)
    {
        var times = new List<double>();
        var block = new float[format.SamplesFor(TimeSpan.FromMilliseconds(10))];
        for (var run = 0; run < runs; run++)
        {
            await using var director = new MusicDirector([source], format, new MusicOptions { MaxReadWaitMs = 5 });
            var clock = Stopwatch.StartNew();
            await director.SetMoodAsync(Moods[run % Moods.Length]);
            while (clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await director.ReadAsync(block);
                if (Array.Exists(block, s => s != 0)) break;
            }
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return times;
    }
}
