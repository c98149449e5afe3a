using System.Diagnostics;
using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Mood.Tests;

public sealed class BadInputTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\t\r")]
    [InlineData("!!!???...")]
    public async Task Empty_or_punctuation_only_input_is_neutral(string text)
    {
        var r = await Analyzers.Lexicon.AnalyzeAsync(text);
        Assert.Equal(MoodLabel.Neutral, r.Label);
        Assert.True(r.Confidence <= 0.2);
    }

    [Fact]
    public void Null_input_is_neutral()
    {
        Assert.Equal(MoodLabel.Neutral, Analyzers.Lexicon.Analyze(null).Label);
    }

    [Fact]
    public void One_megabyte_of_text_is_cut_to_the_cap_and_answered_quickly()
    {
        var text = string.Concat(Enumerable.Repeat("so happy today but the rain is awful 😭 ", 1_048_576 / 40));
        Assert.True(text.Length >= 1_000_000);
        var watch = Stopwatch.StartNew();
        var r = Analyzers.Lexicon.Analyze(text);
        Assert.True(watch.Elapsed < Generous, $"took {watch.Elapsed}");
        Assert.Contains(r.Evidence, e => e.Text == "(text cut)" && e.Note.Contains("4000"));
    }

    [Fact]
    public void Binary_input_is_neutral_with_low_confidence()
    {
        var bytes = new byte[1 << 20];
        new Random(42).NextBytes(bytes);
        var text = string.Concat(bytes.Select(b => (char)b));
        var watch = Stopwatch.StartNew();
        var r = Analyzers.Lexicon.Analyze(text);
        Assert.True(watch.Elapsed < Generous, $"took {watch.Elapsed}");
        Assert.Equal(MoodLabel.Neutral, r.Label);
        Assert.True(r.Confidence < 0.1);
    }

    [Fact]
    public void Broken_surrogates_and_odd_characters_never_throw()
    {
        string[] odd =
        [
            "\uD83D happy \uDE00", "\uDE00\uD83D", new string('\u200D', 500), "::::))))((((", "<<<333>>>",
            "ಠ_ಠ" + new string('!', 10_000), string.Concat(Enumerable.Repeat("不", 10_000)),
            "a'b'c'''d", "'''", "x" + new string('y', 50_000), "\u0000\u0001 happy", "🏳️‍🌈👨‍👩‍👧‍👦", "\uFEFFhello",
        ];
        foreach (var text in odd)
        {
            var r = Analyzers.Lexicon.Analyze(text);
            Assert.InRange(r.Valence, -1, 1);
            Assert.InRange(r.Arousal, -1, 1);
            Assert.InRange(r.Confidence, 0, 1);
        }
    }

    [Fact]
    public async Task Cancellation_is_honoured()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Analyzers.Lexicon.AnalyzeAsync("happy", cts.Token));
    }
}
