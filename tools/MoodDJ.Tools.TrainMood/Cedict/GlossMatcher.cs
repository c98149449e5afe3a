using System.Text.RegularExpressions;

namespace MoodDJ.Tools.TrainMood.Cedict;

/// <summary>A point from the English lexicon: valence, arousal and an optional mood cue.</summary>
internal readonly record struct EnglishPoint(double Valence, double Arousal, string Mood);

/// <summary>What one English gloss said: the English term it matched and its point (already scaled by a degree word).</summary>
internal readonly record struct GlossMatch(string Term, EnglishPoint Point, bool Causative);

/// <summary>
/// Matches one English gloss ("to get angry", "to make sb happy", "gloomy") against the English
/// lexicon. Conservative: the emotion word must be the whole gloss once a few framing words are
/// taken off the front ("to", "be", "feel", "get", "become", a degree word, "make sb"), so "angry"
/// and "to get angry" match while "to speak angrily of sth" or "anger management" do not.
/// </summary>
internal sealed partial class GlossMatcher
{
    private readonly IReadOnlyDictionary<string, EnglishPoint> _english;
    private readonly IReadOnlySet<string> _ambiguous;

    private static readonly string[] Framing =
        ["to ", "be ", "being ", "feel ", "feeling ", "get ", "getting ", "become ", "becoming ", "grow ", "look ", "seem ", "fig. ", "sb ", "one's ", "in a ", "in "];
    private static readonly (string Prefix, double Factor)[] Degrees =
    [
        ("very ", 1.15), ("extremely ", 1.25), ("deeply ", 1.15), ("really ", 1.1), ("utterly ", 1.2), ("terribly ", 1.2),
        ("greatly ", 1.15), ("highly ", 1.1), ("so ", 1.1), ("thoroughly ", 1.15), ("slightly ", 0.6), ("a bit ", 0.6),
        ("a little ", 0.6), ("somewhat ", 0.7), ("mildly ", 0.6), ("rather ", 0.8),
    ];
    private static readonly string[] Causative = ["make sb ", "make one ", "make people ", "make others ", "make sb feel ", "make one feel "];

    /// <param name="english">English lexicon terms (lower case) and their points.</param>
    /// <param name="ambiguous">English glosses never used: words with a common non-emotional sense ("fine", "cool", "blue").</param>
    public GlossMatcher(IReadOnlyDictionary<string, EnglishPoint> english, IReadOnlySet<string> ambiguous)
    {
        _english = english;
        _ambiguous = ambiguous;
    }

    public GlossMatch? Match(string gloss)
    {
        var g = Parenthesis().Replace(gloss.ToLowerInvariant(), " ");
        g = Spaces().Replace(g, " ").Trim().TrimEnd('.', '!', ',').Trim();
        // "lit. ..." is the literal reading of an idiom, not what it means.
        if (g.Length == 0 || g.StartsWith("lit.") || g.Contains(" sth") || g.StartsWith("sth")) return null;
        var factor = 1.0;
        var causative = false;
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var prefix in Framing)
                if (g.StartsWith(prefix, StringComparison.Ordinal) && g.Length > prefix.Length) { g = g[prefix.Length..]; changed = true; }
            foreach (var (prefix, f) in Degrees)
                if (g.StartsWith(prefix, StringComparison.Ordinal) && g.Length > prefix.Length) { g = g[prefix.Length..]; factor *= f; changed = true; }
            if (!causative)
                foreach (var prefix in Causative)
                    if (g.StartsWith(prefix, StringComparison.Ordinal) && g.Length > prefix.Length) { g = g[prefix.Length..]; causative = changed = true; break; }
        }
        if (_ambiguous.Contains(g) || !_english.TryGetValue(g, out var point)) return null;
        return new GlossMatch(g, point with { Valence = Math.Clamp(point.Valence * factor, -1, 1) }, causative);
    }

    [GeneratedRegex(@"\([^)]*\)|\[[^\]]*\]|<[^>]*>")]
    private static partial Regex Parenthesis();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
