using System.Diagnostics;
using System.Text.Json;
using MoodDJ.Hosting;
using MoodDJ.Hosting.Configuration;

namespace MoodDJ.Bench;

/// <summary>Shared by the music-source scenarios: test audio made with ffmpeg, and an engine with the bundled plugins.</summary>
internal static class SourceBenchSupport
{
    /// <summary>Writes <paramref name="count"/> short files (wav, flac, mp3 in turn) of different tones and tempi.</summary>
    public static void MakeLibrary(string folder, int count, double seconds)
    {
        Directory.CreateDirectory(folder);
        var extensions = new[] { ".wav", ".flac", ".mp3" };
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var hz = 200 + 37 * i;
            var period = 60.0 / (70 + i % 90);
            var graph = $"aevalsrc=0.4*sin(2*PI*{hz}*t)+0.4*sin(2*PI*1500*t)*lt(mod(t\\,{period:0.####})\\,0.03):s=44100:d={seconds}";
            Ffmpeg("-f", "lavfi", "-i", graph, Path.Combine(folder, $"track{i:000}{extensions[i % 3]}"));
        });
    }

    public static void Ffmpeg(params string[] args)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in new[] { "-hide_banner", "-nostdin", "-loglevel", "error", "-y" }.Concat(args)) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        p.StandardInput.Close();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("ffmpeg failed: " + error);
    }

    /// <summary>An engine over the bench's bundled plugin folder with these music sources and local-library settings.</summary>
    public static MoodDJEngine StartEngine(string workFolder, IReadOnlyList<string> musicSources, string libraryFolder, string database)
    {
        var json = Path.Combine(workFolder, "mooddj.json");
        File.WriteAllText(json, JsonSerializer.Serialize(new
        {
            plugins = new { folder = Path.Combine(AppContext.BaseDirectory, "plugins"), settings = new { local = new { folder = libraryFolder, database, excerptSeconds = 30 } } },
            // Only the music sources are needed: empty names leave the other kinds unselected.
            use = new { musicSources, moodAnalyzer = "", codec = "", crypto = "", controlTransport = "", streamTransport = "", audioOutput = "" },
        }));
        return MoodDJEngine.Start(MoodDJConfiguration.Build(json));
    }

    public static double Median(List<double> values)
    {
        values.Sort();
        return values.Count == 0 ? double.NaN : values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
    }
}
