using MoodDJ.Testing;
using MoodDJ.Abstractions.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Plugins;
using MoodDJ.Plugins.Lexicon;

namespace MoodDJ.Mood.Tests;

public sealed class LexiconLoadingTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("mooddj-lexicon-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_temp, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void The_bundled_lexicon_is_broad()
    {
        var data = LexiconLoader.Load(Analyzers.LexiconFolder);
        Assert.True(Analyzers.Lexicon.SentimentTermCount > 2000, $"{Analyzers.Lexicon.SentimentTermCount} terms");
        Assert.True(data.MaxChineseLength >= 4);
        Assert.True(data.MaxPhraseWords >= 3);
    }

    [Fact]
    public void An_extra_lexicon_adds_and_overrides_terms()
    {
        var extra = Write("mine.tsv", "# my words\nblorptastic\t0.9\t0.8\tenergetic\nmonday\t-0.6\t-0.3\tsad\n");
        var analyzer = LexiconAnalyzer.Load(Analyzers.LexiconFolder, [extra]);
        Assert.Equal(MoodLabel.Energetic, analyzer.Analyze("feeling blorptastic").Label);
        Assert.Equal(MoodLabel.Sad, analyzer.Analyze("another monday").Label);
        Assert.Equal(MoodLabel.Neutral, Analyzers.Lexicon.Analyze("feeling blorptastic").Label);
    }

    [Theory]
    [InlineData("happy\t1.5\t0\n", "valence and arousal must be in -1..1")]
    [InlineData("happy\tvery\t0\n", "column 2 (valence) must be a number")]
    [InlineData("happy\t0.5\t0.2\tgleeful\n", "mood 'gleeful' is not one of")]
    [InlineData("happy\n", "column 2 (valence) must be a number")]
    public void A_bad_line_is_reported_with_file_and_line(string content, string expected)
    {
        var extra = Write("bad.tsv", "# comment\n" + content);
        var ex = Assert.Throws<InvalidDataException>(() => LexiconLoader.Load(Analyzers.LexiconFolder, [extra]));
        Assert.Contains($"{extra}:2:", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Theory]
    [InlineData("modifiers.tsv", "极了\t1.6\tbehind\n", "position 'behind' is not 'before' or 'after'")]
    [InlineData("sarcasm.tsv", "谢谢\tmaybe\n", "sarcasm kind 'maybe' is not 'clear', 'hint', 'turn' or 'mock'")]
    public void A_bad_rule_line_is_reported_with_file_and_line(string file, string content, string expected)
    {
        var folder = Path.Combine(_temp, "data");
        Directory.CreateDirectory(Path.Combine(folder, "rules"));
        var path = Path.Combine(folder, "rules", file);
        File.WriteAllText(path, "# comment\n" + content);
        var ex = Assert.Throws<InvalidDataException>(() => LexiconLoader.Load(folder));
        Assert.Contains($"{path}:2:", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void A_missing_extra_lexicon_or_data_folder_is_named()
    {
        var missing = Path.Combine(_temp, "nope.tsv");
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => LexiconLoader.Load(Analyzers.LexiconFolder, [missing])).Message);
        Assert.Contains("dataFolder", Assert.Throws<DirectoryNotFoundException>(() => LexiconLoader.Load(Path.Combine(_temp, "none"))).Message);
    }

    [Fact]
    public async Task The_plugin_registers_the_lexicon_analyzer_from_its_settings()
    {
        var extra = Write("extra.tsv", "zorgle\t-0.8\t0.8\tangry\n");
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["extraLexicons:0"] = extra,
            ["maxChars"] = "100",
        }).Build();
        var services = new ServiceCollection();
        new LexiconPlugin().Register(services, new PluginContext("lexicon", AppContext.BaseDirectory, settings));
        await using var provider = services.BuildServiceProvider();
        var analyzer = provider.GetRequiredKeyedService<IMoodAnalyzer>("lexicon");
        Assert.Equal(MoodLabel.Angry, (await analyzer.AnalyzeAsync("what a zorgle")).Label);
        var cut = await analyzer.AnalyzeAsync(new string('a', 150) + " happy");
        Assert.Contains(cut.Evidence, e => e.Text == "(text cut)");
        Assert.Contains(provider.GetServices<PluginImplementation>(), i => i.Name == "lexicon" && i.Kind == PluginKind.MoodAnalyzer);
    }

    [Fact]
    public void A_bad_setting_is_a_clear_error()
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["maxChars"] = "lots" }).Build();
        var ex = Assert.Throws<SettingsException>(() => PluginProbe.Compose(new LexiconPlugin(), new PluginContext("lexicon", AppContext.BaseDirectory, settings)));
        Assert.Contains("plugins:settings:lexicon:maxChars", ex.Message);
    }
}
