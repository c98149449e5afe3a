using System.Globalization;
using System.Text;

namespace MoodDJ.Plugins.Lexicon;

/// <summary>
/// Splits text into words, Chinese runs, emoji/emoticons and clause boundaries. Works on any string
/// (binary, broken surrogates, control characters) without throwing.
/// </summary>
internal sealed class Tokenizer
{
    private readonly LexiconData _lexicon;

    public Tokenizer(LexiconData lexicon) => _lexicon = lexicon;

    public static bool IsBoundary(char c) => c is '.' or ',' or ';' or '!' or '?' or ':' or '\n' or '\r' or '…'
        or '。' or '，' or '；' or '！' or '？' or '：' or '、' or '—' or '(' or ')' or '（' or '）';

    public List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>(text.Length / 4 + 4);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c) && c != '\n')
            {
                i++;
                continue;
            }
            if (c == '[' && TryBracketTag(text, i, tokens, out var next))
            {
                i = next;
                continue;
            }
            if (TryEmoticon(text, i, out var emoticonLength))
            {
                var raw = text.Substring(i, emoticonLength);
                tokens.Add(new Token(TokenKind.Symbol, raw, raw.ToLowerInvariant()));
                i += emoticonLength;
                continue;
            }
            if (TermKey.IsWordChar(c))
            {
                i = ReadWord(text, i, tokens);
                continue;
            }
            if (TermKey.IsHan(c))
            {
                var start = i;
                var sb = new StringBuilder();
                while (true)
                {
                    while (i < text.Length && TermKey.IsHan(text[i]))
                        sb.Append(_lexicon.Variants.ToSimplified(text[i++]));
                    // Network slang mixes a Latin letter or two into Chinese ("栓Q", "芭比Q了"):
                    // keep them in the run when the lexicon has such a term.
                    var end = i;
                    while (end < text.Length && end - i < 3 && char.IsAsciiLetter(text[end])) end++;
                    if (end == i || end < text.Length && char.IsAsciiLetter(text[end]) || !EndsMixedTerm(sb, text.AsSpan(i, end - i)))
                        break;
                    for (; i < end; i++) sb.Append(char.ToLowerInvariant(text[i]));
                }
                tokens.Add(new Token(TokenKind.Han, text[start..i], sb.ToString()));
                continue;
            }
            if (IsBoundary(c))
            {
                tokens.Add(new Token(TokenKind.Boundary, c.ToString(), c.ToString()));
                i++;
                continue;
            }
            i = ReadSymbol(text, i, tokens);
        }
        return tokens;
    }

    private static int ReadWord(string text, int i, List<Token> tokens)
    {
        var start = i;
        var key = new StringBuilder();
        int letters = 0, upper = 0, run = 0, maxRun = 0;
        var prev = '\0';
        while (i < text.Length)
        {
            var c = text[i];
            if (TermKey.IsApostrophe(c) && i + 1 < text.Length && TermKey.IsWordChar(text[i + 1]) && key.Length > 0)
            {
                key.Append('\'');
                i++;
                prev = '\'';
                continue;
            }
            if (!TermKey.IsWordChar(c))
                break;
            if (char.IsLetter(c))
            {
                letters++;
                if (char.IsUpper(c)) upper++;
            }
            var lower = char.ToLowerInvariant(c);
            run = lower == prev ? run + 1 : 1;
            maxRun = Math.Max(maxRun, run);
            prev = lower;
            key.Append(lower);
            i++;
        }
        if (letters == 0)
            return i; // a bare number carries no mood
        tokens.Add(new Token(TokenKind.Word, text[start..i], key.ToString(),
            AllCaps: letters >= 2 && upper == letters, Elongated: maxRun >= 3));
        return i;
    }

    private int ReadSymbol(string text, int i, List<Token> tokens)
    {
        int length;
        try
        {
            length = Math.Max(1, StringInfo.GetNextTextElementLength(text, i));
        }
        catch (ArgumentException)
        {
            length = 1;
        }
        var element = text.Substring(i, length);
        var key = TermKey.Normalize(element, ChineseVariants.None);
        if (key.Length > 0 && _lexicon.Contains(key))
        {
            tokens.Add(new Token(TokenKind.Symbol, element, key));
        }
        else if (key.Length > 0 && Rune.DecodeFromUtf16(key, out var first, out _) == System.Buffers.OperationStatus.Done)
        {
            // A ZWJ family or flag sequence we do not list: its first emoji still says something.
            var firstKey = first.ToString();
            if (_lexicon.Contains(firstKey))
                tokens.Add(new Token(TokenKind.Symbol, element, firstKey));
        }
        return i + length;
    }

    private bool EndsMixedTerm(StringBuilder han, ReadOnlySpan<char> letters)
    {
        Span<char> key = stackalloc char[8];
        for (var take = 1; take <= Math.Min(3, han.Length); take++)
        {
            for (var k = 0; k < take; k++) key[k] = han[han.Length - take + k];
            for (var k = 0; k < letters.Length; k++) key[take + k] = char.ToLowerInvariant(letters[k]);
            if (_lexicon.Find(key[..(take + letters.Length)]) is not null) return true;
        }
        return false;
    }

    /// <summary>Weibo-style emoticon names in brackets ("[泪]", "[哈哈]", "[怒]") that the lexicon lists.</summary>
    private bool TryBracketTag(string text, int i, List<Token> tokens, out int next)
    {
        next = i;
        var close = text.IndexOf(']', i + 1, Math.Min(8, text.Length - i - 1));
        if (close < 0)
            return false;
        var raw = text.Substring(i, close - i + 1);
        var key = TermKey.Normalize(raw, _lexicon.Variants);
        if (!_lexicon.Contains(key))
            return false;
        tokens.Add(new Token(TokenKind.Symbol, raw, key));
        next = close + 1;
        return true;
    }

    private bool TryEmoticon(string text, int i, out int length)
    {
        length = 0;
        var c = text[i];
        if (char.IsWhiteSpace(c) || TermKey.IsHan(c))
            return false;
        // An emoticon must stand apart from words: "xD" yes, "xDay" no; ":/" but not "http://".
        if (i > 0 && TermKey.IsWordChar(text[i - 1]) && TermKey.IsWordChar(c))
            return false;
        foreach (var emoticon in _lexicon.Emoticons)
        {
            if (i + emoticon.Length > text.Length)
                continue;
            if (string.Compare(text, i, emoticon, 0, emoticon.Length, StringComparison.OrdinalIgnoreCase) != 0)
                continue;
            var end = i + emoticon.Length;
            if (end < text.Length)
            {
                var next = text[end];
                // "xDay", ":Dave", "http://", "note:(see …)" are not emoticons.
                if (next is '/' or '\\')
                    continue;
                if (TermKey.IsWordChar(next) && (TermKey.IsWordChar(emoticon[^1]) || emoticon[^1] == '('))
                    continue;
            }
            if (IsNumericContext(text, i, emoticon))
                continue;
            length = emoticon.Length;
            return true;
        }
        return false;
    }

    /// <summary>"10:30", "3:00" and ratios are times, not emoticons.</summary>
    private static bool IsNumericContext(string text, int i, string emoticon) =>
        emoticon[0] == ':' && i > 0 && char.IsDigit(text[i - 1]);
}
