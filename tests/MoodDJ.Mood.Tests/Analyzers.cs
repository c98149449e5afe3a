using MoodDJ.Plugins.Lexicon;

namespace MoodDJ.Mood.Tests;

/// <summary>The bundled lexicon, as copied beside the tests by the plugin project reference.</summary>
internal static class Analyzers
{
    public static string LexiconFolder { get; } = Path.Combine(AppContext.BaseDirectory, "lexicon");

    private static readonly Lazy<LexiconAnalyzer> Shared = new(() => LexiconAnalyzer.Load(LexiconFolder));

    public static LexiconAnalyzer Lexicon => Shared.Value;
}
