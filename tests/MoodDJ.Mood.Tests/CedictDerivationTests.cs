using MoodDJ.Abstractions.Mood;
using MoodDJ.Plugins.Lexicon;
using MoodDJ.Tools.TrainMood.Cedict;

namespace MoodDJ.Mood.Tests;

/// <summary>
/// The derive-zh command (tools/MoodDJ.Tools.TrainMood/Cedict) on a small made-up dictionary in
/// MDBG's cedict_ts.u8 format: which glosses count, which entries are skipped, how strengths are
/// scaled, and that the same input gives the same file.
/// </summary>
public sealed class CedictDerivationTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("mooddj-cedict-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private const string Dictionary = """
        # CC-CEDICT (made up for the test)
        開心 开心 [kai1 xin1] /to feel happy/to rejoice/
        生氣 生气 [sheng1 qi4] /to get angry; to be furious/vitality; liveliness/
        悲傷 悲伤 [bei1 shang1] /sad; sorrowful/
        氣人 气人 [qi4 ren2] /to make sb angry/
        高興 高兴 [Gao1 xing4] /Gaoxing, a place/
        悒悒 悒悒 [yi4 yi4] /(literary) sad/
        苦樂 苦乐 [ku3 le4] /happy; sad/
        和平 和平 [he2 ping2] /peaceful/
        披薩 披萨 [pi1 sa4] /pizza/
        怒 怒 [nu4] /anger; fury/
        怒說 怒说 [nu4 shuo1] /to speak angrily of sth/
        快樂 快乐 [kuai4 le4] /very happy/
        """;

    private string Folder()
    {
        var lexicon = Path.Combine(_temp, "lexicon");
        Directory.CreateDirectory(Path.Combine(lexicon, "terms"));
        Directory.CreateDirectory(Path.Combine(lexicon, "rules"));
        File.WriteAllText(Path.Combine(lexicon, "terms", "en.tsv"),
            "happy\t0.75\t0.35\thappy\nangry\t-0.7\t0.6\tangry\nfurious\t-0.8\t0.7\tangry\nsad\t-0.7\t-0.3\tsad\n" +
            "sorrowful\t-0.7\t-0.3\tsad\npeaceful\t0.5\t-0.5\tcalm\npizza\t0.4\t0.2\nanger\t-0.7\t0.6\tangry\nfury\t-0.8\t0.7\tangry\n");
        File.WriteAllText(Path.Combine(lexicon, "terms", "zh.tsv"), "开心\t0.75\t0.35\thappy\n");
        File.WriteAllText(Path.Combine(lexicon, "rules", "zh-variants.tsv"), "樂\t乐\n");
        File.WriteAllText(Path.Combine(_temp, "cedict_ts.u8"), Dictionary);
        File.WriteAllText(Path.Combine(_temp, "exclude.txt"), "# test\nen\tpizza, cool\nzh\t和平\tpolitics\n");
        return lexicon;
    }

    private Dictionary<string, string[]> Derive(string lexicon, string output)
    {
        var code = ZhCedictDerivation.Run(Path.Combine(_temp, "cedict_ts.u8"), lexicon, Path.Combine(_temp, "exclude.txt"), output, "test dictionary", TextWriter.Null);
        Assert.Equal(0, code);
        return File.ReadAllLines(output).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t')).ToDictionary(c => c[0]);
    }

    [Fact]
    public void Only_glosses_headed_by_a_feeling_make_conservative_entries()
    {
        var lexicon = Folder();
        var rows = Derive(lexicon, Path.Combine(lexicon, "terms", "zh-cedict.tsv"));

        // One of two senses names the feeling (angry, furious: mean −0.75/0.65): × 0.6, × 0.8 for the sense that does not.
        Assert.Equal(["-0.36", "0.31", "angry"], rows["生气"][1..4]);
        Assert.Equal(["-0.42", "-0.18", "sad"], rows["悲伤"][1..4]);
        Assert.Equal("angry", rows["气人"][3]); // "to make sb angry": a causative still names the feeling
        Assert.Equal("0.52", rows["快乐"][1]); // "very happy": 0.75 × 1.15 × 0.6
        // The variant table does not fold 氣: the traditional form gets its own row.
        Assert.Equal("angry", rows["生氣"][3]);
        Assert.False(rows.ContainsKey("快樂")); // 樂 folds to 乐: no duplicate
        foreach (var skipped in new[] { "开心", "高兴", "悒悒", "苦乐", "和平", "披萨", "怒", "怒说" })
            Assert.False(rows.ContainsKey(skipped), $"{skipped} should be skipped");

        // The plugin reads the file as derived, beside the hand-written one.
        var reading = LexiconAnalyzer.Load(lexicon).Analyze("真气人");
        Assert.Equal(MoodLabel.Angry, reading.Label);
        Assert.True(LexiconLoader.IsDerived(Path.Combine(lexicon, "terms", "zh-cedict.tsv")));
    }

    [Fact]
    public void The_same_dictionary_gives_the_same_file()
    {
        var lexicon = Folder();
        var shipped = Path.Combine(lexicon, "terms", "zh-cedict.tsv");
        Derive(lexicon, shipped);
        // Made again elsewhere, with the first output in place: that is derived, not hand-written, so nothing changes.
        var again = Path.Combine(_temp, "again.tsv");
        Derive(lexicon, again);
        Assert.Equal(File.ReadAllBytes(shipped), File.ReadAllBytes(again));
        Assert.StartsWith("# derived", File.ReadLines(again).First());
    }
}
