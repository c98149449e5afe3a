using System.Globalization;
using MoodDJ.Music.Evaluation;
using MoodDJ.Plugins.Lexicon;
using MoodDJ.Plugins.Lexicon.Model;

// Trains the lexicon plugin's mood model, or writes the lexicon's predictions on one half of the dev
// set for score.py. Deterministic: same data and options, same weights.
//   train: dotnet run -c Release --project tools/MoodDJ.Tools.TrainMood -- --data ../shared/eval/mood/mood_train_goemotions.tsv --out plugins/mood/MoodDJ.Plugins.Lexicon/lexicon/model/mood-goemotions.bin.gz
//   eval:  dotnet run -c Release --project tools/MoodDJ.Tools.TrainMood -- eval --dev ../shared/eval/mood/mood_dev.tsv --half aside --out preds.tsv
//   explain: same arguments as eval (plus --source NAME, --wrong yes): one line per row with the reading's evidence.
//   derive-zh: Chinese mood entries from CC-CEDICT's English glosses (Cedict/ZhCedictDerivation.cs):
//     dotnet run -c Release --project tools/MoodDJ.Tools.TrainMood -- derive-zh --cedict /tmp/cedict/package/data/all.js --out plugins/mood/MoodDJ.Plugins.Lexicon/lexicon/terms/zh-cedict.tsv
var arguments = args.ToList();
var command = arguments.Count > 0 && !arguments[0].StartsWith('-') ? arguments[0] : "train";
if (command is not "train" and not "eval" and not "explain" and not "derive-zh")
    return Fail($"unknown command '{command}': use train, eval, explain or derive-zh");
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = command == arguments.FirstOrDefault() ? 1 : 0; i < arguments.Count; i++)
{
    if (!arguments[i].StartsWith("--") || i + 1 >= arguments.Count)
        return Fail($"expected --name value, got '{arguments[i]}'");
    options[arguments[i][2..]] = arguments[++i];
}
string? Get(string name) => options.GetValueOrDefault(name);
double Number(string name, double fallback) => Get(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

try
{
    if (command == "derive-zh")
    {
        if (Get("cedict") is not { } cedict || Get("out") is not { } derived)
            return Fail("derive-zh needs --cedict all.js|cedict_ts.u8 --out zh-cedict.tsv [--lexicon FOLDER] [--exclude FILE] [--source-note TEXT]");
        // The hand-written lexicon of the source tree, not the build output's copy, unless told otherwise.
        var lexiconFolder = Get("lexicon") ?? Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(derived)))!;
        var exclude = Get("exclude") ?? Path.Combine(AppContext.BaseDirectory, "cedict-exclude.txt");
        return MoodDJ.Tools.TrainMood.Cedict.ZhCedictDerivation.Run(cedict, lexiconFolder, exclude, derived, Get("source-note"), Console.Out);
    }
    if (command == "train")
    {
        if (Get("data") is not { } data || Get("out") is not { } output)
            return Fail("train needs --data TRAIN.tsv --out MODEL.bin.gz");
        var defaults = new MoodTrainingOptions();
        var training = new MoodTrainingOptions
        {
            Epochs = (int)Number("epochs", defaults.Epochs), LearningRate = Number("lr", defaults.LearningRate),
            L2 = Number("l2", defaults.L2), ClassWeightPower = Number("class-weight-power", defaults.ClassWeightPower),
            Seed = (int)Number("seed", defaults.Seed),
        };
        var rows = MoodTrainer.ReadRows(data);
        // --skip-fold N (0..4) leaves a fifth of the rows out, for checking a blend on rows the
        // lexicon was never tuned on (eval --fold N scores exactly those rows).
        if (Get("skip-fold") is { } skip)
            rows = rows.Where(r => Fold(r.Text) != int.Parse(skip, CultureInfo.InvariantCulture)).ToList();
        Console.WriteLine($"{rows.Count} rows from {data}; {training}");
        var model = MoodTrainer.Train(rows, training, Console.Out);
        model.Save(output);
        Console.WriteLine($"wrote {output} ({new FileInfo(output).Length / 1024.0:0} KiB)");
        return 0;
    }

    if (Get("dev") is not { } dev || Get("out") is not { } predictionsPath)
        return Fail("eval and explain need --dev mood_dev.tsv --out predictions.tsv [--half working|aside|all] [--lexicon FOLDER] [--model-weight W]");
    var folder = Get("lexicon") ?? Path.Combine(AppContext.BaseDirectory, "lexicon");
    var analyzerOptions = new LexiconAnalyzerOptions
    {
        ModelWeight = Number("model-weight", new LexiconAnalyzerOptions().ModelWeight),
        ModelValenceWeight = Number("model-valence", new LexiconAnalyzerOptions().ModelValenceWeight),
        ModelArousalWeight = Number("model-arousal", new LexiconAnalyzerOptions().ModelArousalWeight),
    };
    var analyzer = LexiconAnalyzer.Load(folder, null, analyzerOptions);
    if (command == "explain")
    {
        // One reading per line of --dev (a TSV's first column), with its evidence: for error analysis.
        File.WriteAllText(predictionsPath, "");
        foreach (var row in MoodDevSplit.Half(MoodEvaluation.ReadGold(dev), Get("half") ?? "working"))
        {
            if (Get("source") is { } source && row.Source != source) continue;
            var r = analyzer.Analyze(row.Text);
            var label = MoodEvaluation.LabelName(r.Label);
            if (Get("wrong") == "yes" && (row.Mood == label || row.Mood == "")) continue;
            File.AppendAllText(predictionsPath, string.Create(CultureInfo.InvariantCulture,
                $"{row.Mood} -> {label} V{r.Valence:0.00} A{r.Arousal:0.00} c{r.Confidence:0.00} | {row.Text} | {string.Join("; ", r.Evidence.Select(e => $"{e.Text} {e.Valence:0.##}/{e.Arousal:0.##} {e.Note}"))}\n"));
        }
        return 0;
    }
    var gold = MoodDevSplit.Half(MoodEvaluation.ReadGold(dev), Get("half") ?? "working");
    if (Get("fold") is { } fold)
        gold = gold.Where(r => Fold(r.Text) == int.Parse(fold, CultureInfo.InvariantCulture)).ToList();
    var predictions = await MoodEvaluation.PredictAsync(analyzer, gold);
    MoodEvaluation.WritePredictions(predictionsPath, predictions);
    Console.WriteLine($"{predictions.Count} predictions ({Get("half") ?? "working"} half, model {(analyzer.HasModel ? "on" : "off")}) written to {predictionsPath}");
    return 0;
}
catch (Exception e) when (e is IOException or InvalidDataException or FormatException or ArgumentException or UnauthorizedAccessException)
{
    return Fail(e.Message);
}

static int Fold(string text) => (int)(MoodDevSplit.Fnv1a(text) % 5);

static int Fail(string message)
{
    Console.Error.WriteLine("train-mood: " + message);
    return 2;
}
