using MoodDJ.Abstractions.Mood;
using MoodDJ.Plugins.Lexicon;
using MoodDJ.Plugins.Lexicon.Model;

namespace MoodDJ.Mood.Tests;

/// <summary>The trained mood model: deterministic training, a compact file that round-trips, and the shipped file reproducible from the training command.</summary>
public sealed class MoodModelTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("mooddj-model-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    /// <summary>A small labelled set made here (no shared data needed): template sentences per mood.</summary>
    internal static List<(string Text, int Mood)> MadeUpRows()
    {
        string[][] words =
        [
            ["the bus leaves at ten", "meeting moved to room four", "I bought bread", "it is tuesday"],
            ["so happy today", "this is wonderful", "what a lovely surprise", "I am glad"],
            ["let's go, so pumped", "hyped for the game", "can't wait to dance", "full of energy"],
            ["quiet evening, relaxed", "peaceful walk", "feeling calm", "slow sunday tea"],
            ["I feel so sad", "miss her a lot", "crying again", "lonely night"],
            ["this is infuriating", "so angry at him", "stop lying to me", "hate this traffic"],
            ["kissed my crush", "date night with my wife", "love you babe", "our anniversary"],
        ];
        var random = new Random(7);
        var rows = new List<(string, int)>();
        for (var i = 0; i < 700; i++)
        {
            var mood = i % 7;
            var a = words[mood][random.Next(4)];
            var b = words[random.Next(7) == 0 ? random.Next(7) : mood][random.Next(4)];
            rows.Add(($"{a}, {b}", mood));
        }
        return rows;
    }

    [Fact]
    public void The_same_rows_train_the_same_weights()
    {
        var rows = MadeUpRows();
        var options = new MoodTrainingOptions { Epochs = 3 };
        var first = MoodTrainer.Train(rows, options);
        var second = MoodTrainer.Train(rows, options);
        Assert.True(first.Weights.SequenceEqual(second.Weights));
        Assert.True(first.Bias.SequenceEqual(second.Bias));
        // A different seed shuffles differently: the check above is not vacuous.
        Assert.False(first.Weights.SequenceEqual(MoodTrainer.Train(rows, options with { Seed = 1 }).Weights));
    }

    [Fact]
    public void The_model_learns_the_made_up_moods()
    {
        var model = MoodTrainer.Train(MadeUpRows());
        var p = new double[MoodModel.Classes];
        model.Predict("so angry, hate this", p);
        Assert.Equal((int)MoodLabel.Angry, Array.IndexOf(p, p.Max()));
        model.Predict("peaceful and calm", p);
        Assert.Equal((int)MoodLabel.Calm, Array.IndexOf(p, p.Max()));
        Assert.Equal(1, p.Sum(), 9);
    }

    [Fact]
    public void Saved_weights_load_back_within_one_quantization_step()
    {
        var model = MoodTrainer.Train(MadeUpRows());
        var path = Path.Combine(_temp, "m.bin.gz");
        model.Save(path);
        var loaded = MoodModel.Load(path);
        AssertClose(model, loaded);
        Assert.True(new FileInfo(path).Length < 4 << 20);
    }

    [Fact]
    public void A_broken_model_file_is_refused_with_its_name()
    {
        var path = Path.Combine(_temp, "broken.bin.gz");
        File.WriteAllBytes(path, [1, 2, 3, 4]);
        var e = Assert.Throws<InvalidDataException>(() => MoodModel.Load(path));
        Assert.Contains("broken.bin.gz", e.Message);
    }

    [Fact]
    public void The_shipped_model_is_found_and_model_weight_0_turns_it_off()
    {
        Assert.True(File.Exists(Path.Combine(Analyzers.LexiconFolder, LexiconAnalyzer.ModelFile)));
        Assert.True(Analyzers.Lexicon.HasModel);
        Assert.False(LexiconAnalyzer.Load(Analyzers.LexiconFolder, null, new LexiconAnalyzerOptions { ModelWeight = 0 }).HasModel);
    }

    [DevSetFact]
    public void The_shipped_model_equals_a_fresh_training_on_the_GoEmotions_rows()
    {
        // The command that made it: dotnet run -c Release --project tools/MoodDJ.Tools.TrainMood --
        //   --data ../shared/eval/mood/mood_train_goemotions.tsv --out plugins/mood/MoodDJ.Plugins.Lexicon/lexicon/model/mood-goemotions.bin.gz
        var rows = MoodTrainer.ReadRows(Path.Combine(DevSet.Folder!, "mood_train_goemotions.tsv"));
        Assert.Equal(18981, rows.Count);
        var fresh = Path.Combine(_temp, "fresh.bin.gz");
        MoodTrainer.Train(rows).Save(fresh);
        AssertClose(MoodModel.Load(fresh), MoodModel.Load(Path.Combine(Analyzers.LexiconFolder, LexiconAnalyzer.ModelFile)));
    }

    /// <summary>Equal within one 8-bit step per weight (float rounding may tip a few weights over a step).</summary>
    private static void AssertClose(MoodModel expected, MoodModel actual)
    {
        var e = expected.Weights;
        var a = actual.Weights;
        Assert.Equal(e.Length, a.Length);
        var steps = new float[MoodModel.Classes];
        for (var i = 0; i < e.Length; i++)
            steps[i % MoodModel.Classes] = Math.Max(steps[i % MoodModel.Classes], Math.Abs(e[i]) / 127f);
        var off = 0;
        for (var i = 0; i < e.Length; i++)
        {
            var diff = Math.Abs(e[i] - a[i]);
            Assert.True(diff <= steps[i % MoodModel.Classes] * 1.01 + 1e-6, $"weight {i}: {e[i]} vs {a[i]}");
            if (diff > steps[i % MoodModel.Classes] * 0.51 + 1e-6) off++;
        }
        Assert.True(off <= e.Length / 1000, $"{off} weights differ by more than half a step");
        for (var k = 0; k < MoodModel.Classes; k++)
            Assert.Equal(expected.Bias[k], actual.Bias[k], 4);
    }
}
