using System.Diagnostics;
using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Bench;

/// <summary>
/// `source-index [files=100] [seconds=20]`: time to index a folder of generated audio files with the
/// local source (ffprobe + excerpt decode + DSP + SQLite), then an unchanged re-index (incremental).
/// The local source indexes on its first search, so the first FindTracksAsync on a fresh database
/// is the full index.
/// </summary>
public sealed class SourceIndexScenario : IBenchScenario
{
    public string Name => "source-index";

    public async Task<int> RunAsync(string[] args)
    {
        var files = args.Length > 0 ? int.Parse(args[0]) : 100;
        var seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20;
        var work = Path.Combine(Path.GetTempPath(), "mooddj-bench-index-" + Guid.NewGuid().ToString("N")[..8]);
        var library = Path.Combine(work, "music");
        try
        {
            Directory.CreateDirectory(work);
            Console.WriteLine($"Generating {files} files of {seconds} s (wav/flac/mp3)...");
            SourceBenchSupport.MakeLibrary(library, files, seconds);
            var database = Path.Combine(work, "index.db");

            var full = await TimeFirstSearch(work, library, database);
            var again = await TimeFirstSearch(work, library, database);
            File.SetLastWriteTimeUtc(Directory.GetFiles(library)[0], DateTime.UtcNow.AddMinutes(1));
            var one = await TimeFirstSearch(work, library, database);

            Console.WriteLine($"Full index of {files} files:    {full.TotalSeconds,7:0.00} s  ({full.TotalMilliseconds / files:0} ms per file, {full.TotalSeconds * 100 / files:0.00} s per 100 files)");
            Console.WriteLine($"Re-index, nothing changed:     {again.TotalMilliseconds,7:0} ms");
            Console.WriteLine($"Re-index, one file touched:    {one.TotalMilliseconds,7:0} ms");
            Console.WriteLine($"(machine: {Environment.ProcessorCount} cores, indexParallelism = {Environment.ProcessorCount}, excerpt 30 s)");
            return 0;
        }
        finally
        {
            try { Directory.Delete(work, true); } catch (IOException) { }
        }
    }

    private static async Task<TimeSpan> TimeFirstSearch(string work, string library, string database)
    {
        await using var engine = SourceBenchSupport.StartEngine(work, ["local"], library, database);
        var source = engine.MusicSources[0];
        var clock = Stopwatch.StartNew();
        await foreach (var _ in source.FindTracksAsync(MoodReading.Neutral, 1)) { }
        return clock.Elapsed;
    }
}
