using System.Globalization;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Plugins.Lexicon;

namespace MoodDJ.Mood.Tests;

/// <summary>
/// The Chinese entries derived from CC-CEDICT (terms/zh-cedict.tsv, made by the TrainMood tool's
/// derive-zh command; the tests cannot run it, there is no network): the shipped file names its
/// source and licence and parses, and a derived file never outranks a hand-written entry nor teaches
/// the character back-off.
/// </summary>
public sealed class DerivedLexiconTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("mooddj-derived-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static string Shipped => Path.Combine(Analyzers.LexiconFolder, "terms", "zh-cedict.tsv");

    [Fact]
    public void The_shipped_file_states_its_source_licence_and_command()
    {
        var lines = File.ReadAllLines(Shipped);
        Assert.StartsWith("# derived", lines[0]);
        Assert.True(LexiconLoader.IsDerived(Shipped));
        var header = string.Join("\n", lines.TakeWhile(l => l.StartsWith('#')));
        foreach (var needed in new[] { "CC-CEDICT", "MDBG", "CC BY-SA 4.0", "creativecommons.org/licenses/by-sa/4.0", "derive-zh", "cedict-exclude.txt" })
            Assert.Contains(needed, header);
    }

    [Fact]
    public void Every_row_of_the_shipped_file_is_a_scaled_down_Chinese_entry()
    {
        var rows = File.ReadAllLines(Shipped).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t')).ToList();
        Assert.True(rows.Count > 1000, $"{rows.Count} rows");
        foreach (var cols in rows)
        {
            var line = string.Join("\t", cols);
            Assert.True(cols.Length == 5, $"five columns (term, valence, arousal, mood, glosses): {line}");
            Assert.True(cols[0].Length >= 1 && cols[0].All(c => c is >= '\u3400' and <= '\u9FFF' or >= '\uF900' and <= '\uFAFF'), line);
            var valence = double.Parse(cols[1], CultureInfo.InvariantCulture);
            var arousal = double.Parse(cols[2], CultureInfo.InvariantCulture);
            // Scaled down from the English points (× 0.6 at most, a degree word × 1.25): never a full-strength entry.
            Assert.InRange(Math.Abs(valence), 0.15, 0.75);
            Assert.InRange(arousal, -0.75, 0.75);
            Assert.True(cols[3].Length == 0 || Enum.TryParse<MoodLabel>(cols[3], ignoreCase: true, out _), line);
            Assert.NotEmpty(cols[4]);
        }
        // It loads with the rest of the bundled lexicon, and adds to it.
        var data = LexiconLoader.Load(Analyzers.LexiconFolder);
        Assert.True(data.TryGet("悲愤", out var derived) || data.TryGet("愁闷", out derived));
        Assert.True(derived.IsDerived);
    }

    [Fact]
    public void Hand_written_entries_win_wherever_the_derived_file_stands()
    {
        var folder = DataFolder(
            ("terms/zh.tsv", "开心\t0.75\t0.35\thappy\n"),
            // Read after zh.tsv (name order), and still it only fills gaps.
            ("terms/zz-derived.tsv", "# derived: test\n开心\t-0.5\t0\tsad\n困扰\t-0.4\t0.2\t\n愁闷\t-0.4\t-0.1\tsad\n"),
            ("rules/zh-words.txt", "困扰\n"));
        var data = LexiconLoader.Load(folder);
        Assert.True(data.TryGet("开心", out var happy));
        Assert.Equal(MoodLabel.Happy, happy.Sentiment!.Value.Mood);
        Assert.False(happy.IsDerived);
        Assert.True(data.TryGet("困扰", out var plain));
        Assert.Null(plain.Sentiment);
        Assert.True(data.TryGet("愁闷", out var gap));
        Assert.Equal(MoodLabel.Sad, gap.Sentiment!.Value.Mood);
        Assert.True(gap.IsDerived);

        var reading = LexiconAnalyzer.Load(folder).Analyze("今天好愁闷");
        Assert.Equal(MoodLabel.Sad, reading.Label);
    }

    [Fact]
    public void Derived_entries_do_not_teach_the_character_backoff()
    {
        const string words = "哀伤\t-0.6\t-0.2\tsad\n哀痛\t-0.6\t-0.2\tsad\n悲哀\t-0.6\t-0.2\tsad\n哀愁\t-0.6\t-0.2\tsad\n哀怨\t-0.6\t-0.2\tsad\n哀叹\t-0.6\t-0.2\tsad\n";
        var handWritten = LexiconLoader.Load(DataFolder(("terms/zh.tsv", words)));
        Assert.NotNull(handWritten.Character('哀'));
        var derived = LexiconLoader.Load(DataFolder(("terms/zh-derived.tsv", "# derived: test\n" + words)));
        Assert.Null(derived.Character('哀'));
    }

    private string DataFolder(params (string Path, string Content)[] files)
    {
        var folder = Path.Combine(_temp, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(folder, "terms"));
        Directory.CreateDirectory(Path.Combine(folder, "rules"));
        foreach (var (path, content) in files)
            File.WriteAllText(Path.Combine(folder, path), content);
        return folder;
    }
}
