using System.Globalization;
using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Plugins.Lexicon;

/// <summary>
/// Finds sarcastic frames (rules/sarcasm.tsv): "great, another monday", "yeah right", "just
/// perfect", 呵呵. A clear frame, two frames, or a hint beside a negative word turn the praise into
/// its opposite; a lone hint only lowers the confidence.
/// </summary>
internal sealed class SarcasmFrames
{
    private readonly List<(string[] Words, bool Clear, string Text)> _english = [];
    private readonly List<(string Key, bool Clear)> _chinese = [];
    /// <summary>Praise that is sarcastic only beside something unwelcome (谢谢, 厉害): kind <c>turn</c>.</summary>
    private readonly List<string> _turns = [];

    public static SarcasmFrames None { get; } = new();

    public int Count => _english.Count + _chinese.Count + _turns.Count;

    /// <summary>A <c>turn</c> frame: no weight alone; beside a negative word it counts as a hint (Chinese runs only).</summary>
    public void AddTurn(string key) => _turns.Add(key);

    /// <summary>The <c>turn</c> frames in <paramref name="tokens"/>, as typed.</summary>
    public List<string> FindTurns(List<Token> tokens)
    {
        var found = new List<string>();
        foreach (var t in tokens)
        {
            if (t.Kind != TokenKind.Han) continue;
            foreach (var key in _turns)
            {
                var at = t.Key.IndexOf(key, StringComparison.Ordinal);
                if (at >= 0) found.Add(t.Text.Length == t.Key.Length ? t.Text.Substring(at, key.Length) : key);
            }
        }
        return found;
    }

    public void Add(string key, bool clear)
    {
        if (TermKey.ContainsHan(key)) _chinese.Add((key, clear));
        else _english.Add((key.Split(' ', StringSplitOptions.RemoveEmptyEntries), clear, key));
    }

    /// <summary>Weight of the frames in <paramref name="tokens"/> (clear = 2, hint = 1) and the phrases found.</summary>
    public (int Score, List<string> Found) Find(List<Token> tokens)
    {
        var found = new List<string>();
        var score = 0;
        if (Count == 0) return (0, found);
        // Words only, clause punctuation dropped: "Great. Another Monday." is "great another monday".
        var words = new List<string>(tokens.Count);
        foreach (var t in tokens)
        {
            if (t.Kind == TokenKind.Word) words.Add(t.Key);
            else if (t.Kind == TokenKind.Han)
            {
                foreach (var (key, clear) in _chinese)
                {
                    var at = t.Key.IndexOf(key, StringComparison.Ordinal);
                    if (at < 0) continue;
                    score += clear ? 2 : 1;
                    found.Add(t.Text.Length == t.Key.Length ? t.Text.Substring(at, key.Length) : key);
                }
            }
        }
        foreach (var (frame, clear, text) in _english)
        {
            for (var i = 0; i + frame.Length <= words.Count; i++)
            {
                var match = true;
                for (var k = 0; k < frame.Length && match; k++)
                    match = words[i + k] == frame[k];
                if (!match) continue;
                // "oh great" inside "oh great another" is one frame, not two.
                if (found.Any(f => f.Contains(text, StringComparison.Ordinal))) break;
                score += clear ? 2 : 1;
                found.Add(text);
                break;
            }
        }
        return (score, found);
    }

    /// <summary>In a sarcastic frame, praise means its opposite ("great, another Monday"): pleasant terms turn unpleasant and lose their mood cue.</summary>
    public static void FlipPraise(List<ScoredTerm> terms)
    {
        foreach (var t in terms)
        {
            if (t.Valence <= 0 || t.Desired) continue;
            t.Valence *= -0.7;
            if (t.Mood is MoodLabel.Happy or MoodLabel.Energetic or MoodLabel.Calm or MoodLabel.Romantic) t.Mood = null;
            t.Notes.Add("sarcastic praise: reversed");
        }
    }

    public static string Describe(List<string> found) =>
        string.Join(", ", found.Select(f => string.Create(CultureInfo.InvariantCulture, $"'{f}'")));
}
