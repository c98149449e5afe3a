using MoodDJ.Hosting.Configuration;
using System.Diagnostics;
using System.Globalization;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Hosting;
using MoodDJ.Music.Evaluation;

namespace MoodDJ.Bench;

/// <summary>
/// Mood analyzer throughput: sentences per second for short prompts (English and Chinese), for the
/// shared dev set's Reddit/news rows when ../shared/eval/mood is present, and for text at the
/// analyzer's 4,000-character cap. The analyzer is loaded from the plugin folder through the engine,
/// as the hosts do. `dotnet run -c Release --project bench/MoodDJ.Bench -- mood-analysis [analyzer] [--key=value …]`.
/// </summary>
public sealed class MoodAnalysisScenario : IBenchScenario
{
    private const int Rounds = 7;

    public string Name => "mood-analysis";

    private static readonly string[] Prompts =
    [
        "I feel happy", "煩死了，想放鬆一下", "I'm not very happy about the new schedule", "so hyped for the weekend!!!",
        "Dinner with my wife tonight, I love her so much ❤️", "ugh, the bus is late again", "I need to focus on my essay tonight",
        "我今天非常开心", "The hotel was nice but the service was terrible", "I am soooo happyyyy", "今天有点累，想休息一下",
        "What an awful week, I want to relax", "lol that was hilarious 😂", "I miss my grandmother", "THIS IS AMAZING",
        "The train leaves from platform four on Tuesday",
        // Issue 13's misread prompts: Chinese everyday phrasing, 想 as "miss", sarcasm.
        "心情很差", "我好想你", "rainy night", "can't sleep, mind racing", "great, another monday. just perfect.",
    ];

    public async Task<int> RunAsync(string[] args)
    {
        var name = args.Length > 0 ? args[0] : "lexicon";
        // Only the analyzer is needed: clear every other selection so the bench does not depend on them.
        var configuration = MoodDJConfiguration.Build(commandLine:
        [
            "--use:musicSources:0=", "--use:codec=", "--use:crypto=", "--use:controlTransport=",
            "--use:streamTransport=", "--use:audioOutput=", $"--use:moodAnalyzer={name}",
            // Further arguments are configuration, e.g. --plugins:settings:lexicon:modelWeight=0 (rules only).
            .. args.Skip(1),
        ]);
        await using var engine = MoodDJEngine.Start(configuration);
        var analyzer = engine.MoodAnalyzer;

        var devSet = FindDevSet();
        var sets = new List<(string Label, string[] Texts)> { ("short prompts (EN+ZH)", Prompts) };
        if (devSet is not null)
            sets.Add(("dev set rows (Reddit/news)", MoodEvaluation.ReadGold(devSet).Select(r => r.Text).ToArray()));
        sets.Add(("4,000-char texts", [string.Concat(Enumerable.Repeat("Honestly the week was long but I'm so glad it's over, time to relax 😌 ", 60))[..4000]]));

        Console.WriteLine($"mood analyzer '{name}', {Environment.ProcessorCount} cores, median of {Rounds} rounds");
        foreach (var (label, texts) in sets)
        {
            // About 400,000 characters a round keeps every set's run short.
            var perRound = Math.Max(1, 400_000 / texts.Sum(t => t.Length));
            await MeasureAsync(analyzer, texts, 1); // warm-up
            var rates = new List<double>();
            long allocated = 0;
            for (var round = 0; round < Rounds; round++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var seconds = await MeasureAsync(analyzer, texts, perRound);
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                rates.Add(texts.Length * perRound / seconds);
            }
            rates.Sort();
            var perSentence = allocated / (double)(texts.Length * perRound);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {label,-28} {rates[Rounds / 2],10:0} sentences/s   (min {rates[0]:0}, max {rates[^1]:0}; {perSentence / 1024:0.0} KiB allocated per sentence)"));
        }
        return 0;
    }

    private static async Task<double> MeasureAsync(IMoodAnalyzer analyzer, string[] texts, int repeat)
    {
        var watch = Stopwatch.StartNew();
        for (var r = 0; r < repeat; r++)
            foreach (var text in texts)
                await analyzer.AnalyzeAsync(text);
        return watch.Elapsed.TotalSeconds;
    }

    private static string? FindDevSet()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "MoodDJ.sln")))
                continue;
            var path = Path.Combine(dir.FullName, "..", "shared", "eval", "mood", "mood_dev.tsv");
            return File.Exists(path) ? Path.GetFullPath(path) : null;
        }
        return null;
    }
}
