using System.Globalization;

namespace MoodDJ.Plugins.Lexicon;

/// <summary>One step of the rule walk: a term (or plain word / boundary) with its display text.</summary>
internal readonly record struct Unit(string Text, TermInfo? Info, bool Boundary, bool AllCaps, bool Elongated);

/// <summary>
/// Turns tokens into lexicon terms: the longest phrase at each word ("can't wait", "a bit"), Chinese
/// words by forward maximum matching, symbols and emoji, and word keys resolved through stems,
/// elongation ("sooooo") and laughter ("hahaha"). <see cref="LexiconAnalyzer"/> then applies the rules.
/// </summary>
internal sealed class TermMatcher(LexiconData lexicon)
{
    private readonly LexiconData _lexicon = lexicon;
    private readonly ChineseSegmenter _segmenter = new(lexicon);

    public List<Unit> ToUnits(List<Token> tokens)
    {
        var units = new List<Unit>(tokens.Count);
        var keys = new string[tokens.Count];
        for (var i = 0; i < tokens.Count; i++)
            keys[i] = tokens[i].Kind == TokenKind.Word ? ResolveWordKey(tokens[i]) : tokens[i].Key;

        for (var i = 0; i < tokens.Count;)
        {
            var token = tokens[i];
            switch (token.Kind)
            {
                case TokenKind.Boundary:
                    units.Add(new Unit(token.Text, null, true, false, false));
                    i++;
                    break;
                case TokenKind.Symbol:
                    _lexicon.TryGet(token.Key, out var symbol);
                    units.Add(new Unit(token.Text, symbol, false, false, false));
                    i++;
                    break;
                case TokenKind.Han:
                    // Evidence shows what the user typed (煩), not the simplified key (烦): folding
                    // is one character for one, so offsets agree.
                    var offset = 0;
                    foreach (var (segment, info) in _segmenter.Segment(token.Key))
                    {
                        var typed = token.Text.Length == token.Key.Length ? token.Text.Substring(offset, segment.Length) : segment;
                        units.Add(new Unit(typed, info, false, false, false));
                        offset += segment.Length;
                    }
                    i++;
                    break;
                default:
                    i = MatchPhrase(tokens, keys, i, units);
                    break;
            }
        }
        return units;
    }

    /// <summary>Longest lexicon phrase starting at word <paramref name="i"/> ("can't wait", "a bit", "thank god").</summary>
    private int MatchPhrase(List<Token> tokens, string[] keys, int i, List<Unit> units)
    {
        var words = 1;
        while (words < _lexicon.MaxPhraseWords && i + words < tokens.Count && tokens[i + words].Kind == TokenKind.Word)
            words++;
        // Lay the candidate words out once ("a little bit") and look up its prefixes without allocating.
        var length = words - 1;
        for (var k = 0; k < words; k++)
            length += keys[i + k].Length;
        var buffer = System.Buffers.ArrayPool<char>.Shared.Rent(length);
        try
        {
            Span<int> ends = stackalloc int[words];
            var position = 0;
            for (var k = 0; k < words; k++)
            {
                if (k > 0) buffer[position++] = ' ';
                keys[i + k].CopyTo(buffer.AsSpan(position));
                position += keys[i + k].Length;
                ends[k] = position;
            }
            for (var n = words; n >= 1; n--)
            {
                var info = _lexicon.Find(buffer.AsSpan(0, ends[n - 1]));
                if (info is null || info.IsEmpty)
                    continue;
                var caps = true;
                var elongated = false;
                for (var k = i; k < i + n; k++)
                {
                    caps &= tokens[k].AllCaps;
                    elongated |= tokens[k].Elongated;
                }
                var text = n == 1 ? tokens[i].Text : string.Join(' ', tokens.GetRange(i, n).Select(t => t.Text));
                units.Add(new Unit(text, info, false, caps, elongated));
                return i + n;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(buffer);
        }
        units.Add(new Unit(tokens[i].Text, null, false, false, false));
        return i + 1;
    }

    /// <summary>
    /// The lexicon key of a word, undoing elongation ("soooo" → "so", "happyyy" → "happy") and
    /// folding laughter ("hahahaha" → "haha").
    /// </summary>
    private string ResolveWordKey(Token token)
    {
        var key = token.Key;
        if (_lexicon.Contains(key))
            return key;
        if (IsLaughter(key) && _lexicon.Contains("haha"))
            return "haha";
        if (token.Elongated)
        {
            var two = CollapseRuns(key, 2);
            if (_lexicon.Contains(two))
                return two;
            var one = CollapseRuns(key, 1);
            if (_lexicon.Contains(one))
                return one;
            key = one;
        }
        foreach (var stem in Stems(key))
            if (_lexicon.TryGet(stem, out var info) && info.Sentiment is not null)
                return stem;
        return key;
    }

    /// <summary>
    /// Base forms to try for an inflected word the lexicon does not list ("annoys" → "annoy",
    /// "smiling" → "smile", "happily" → "happy", "friend's" → "friend"), so entries need not list every form.
    /// </summary>
    internal static IEnumerable<string> Stems(string key)
    {
        if (key.Length < 4)
            yield break;
        if (key.EndsWith("'s", StringComparison.Ordinal)) { yield return key[..^2]; yield break; }
        if (key.EndsWith("ies", StringComparison.Ordinal)) yield return key[..^3] + "y";
        if (key.EndsWith("ily", StringComparison.Ordinal)) yield return key[..^3] + "y";
        if (key.EndsWith("iness", StringComparison.Ordinal)) yield return key[..^5] + "y";
        if (key.EndsWith("ness", StringComparison.Ordinal)) yield return key[..^4];
        if (key.EndsWith("ly", StringComparison.Ordinal)) yield return key[..^2];
        if (key.EndsWith("es", StringComparison.Ordinal)) yield return key[..^2];
        if (key.EndsWith('s') && !key.EndsWith("ss", StringComparison.Ordinal)) yield return key[..^1];
        foreach (var suffix in new[] { "ed", "ing", "er", "est" })
        {
            if (!key.EndsWith(suffix, StringComparison.Ordinal) || key.Length - suffix.Length < 3)
                continue;
            var stem = key[..^suffix.Length];
            yield return stem;
            yield return stem + "e";
            if (stem.Length >= 3 && stem[^1] == stem[^2])
                yield return stem[..^1]; // "stopped" → "stop"
            if (stem.EndsWith('i'))
                yield return stem[..^1] + "y"; // "happier" → "happy"
        }
    }

    private static bool IsLaughter(string key) =>
        key.Length >= 4 && key[0] is 'h' or 'a' && key.All(c => c is 'h' or 'a' or 'e') && key.Count(c => c == 'h') >= 2;

    /// <summary>Shortens every run of 3+ equal characters to <paramref name="keep"/>.</summary>
    internal static string CollapseRuns(string key, int keep)
    {
        var sb = new System.Text.StringBuilder(key.Length);
        for (var i = 0; i < key.Length;)
        {
            var j = i;
            while (j < key.Length && key[j] == key[i]) j++;
            var run = j - i;
            sb.Append(key[i], run >= 3 ? keep : run);
            i = j;
        }
        return sb.ToString();
    }
}
